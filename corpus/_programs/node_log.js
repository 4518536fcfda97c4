// An append-only log: each record is written with fs.writeSync and, in mode "fsync", made durable
// with fs.fsyncSync before "ack N" is printed; mode "nosync" skips the fsync. The log's name is made
// durable first (an fsync of the directory, after creating it).
//   node node_log.js fsync|nosync N
const fs = require('fs');
const [mode, count] = [process.argv[2], Number(process.argv[3])];

const fd = fs.openSync('log.txt', 'a');
fs.fsyncSync(fd);
const dir = fs.openSync('.', 'r');
fs.fsyncSync(dir);
fs.closeSync(dir);
for (let i = 1; i <= count; i++) {
  fs.writeSync(fd, `record ${i}\n`);
  if (mode === 'fsync') fs.fsyncSync(fd);
  fs.writeSync(1, `ack ${i}\n`);
}
fs.closeSync(fd);
