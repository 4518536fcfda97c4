// An append-only log: each record is written and fsynced before its number is printed (the
// acknowledgement). "sync" uses fs.writeSync/fs.fsyncSync on the main thread; "promises" uses
// fs.promises, whose calls libuv runs on its thread pool; "promises-nosync" skips the fsync.
const fs = require('fs');
const [mode, count] = [process.argv[2], Number(process.argv[3])];

function syncDirectory() {
  const dir = fs.openSync('.', 'r');
  fs.fsyncSync(dir);
  fs.closeSync(dir);
}

async function main() {
  if (mode === 'sync') {
    const fd = fs.openSync('log.txt', 'a');
    syncDirectory();
    for (let i = 1; i <= count; i++) {
      fs.writeSync(fd, `record ${i}\n`);
      fs.fsyncSync(fd);
      console.log(i);
    }
    fs.closeSync(fd);
    return;
  }
  const handle = await fs.promises.open('log.txt', 'a');
  syncDirectory();
  for (let i = 1; i <= count; i++) {
    await handle.write(`record ${i}\n`);
    if (mode !== 'promises-nosync') await handle.sync();
    console.log(i);
  }
  await handle.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
