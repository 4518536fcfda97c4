# A log of 512-byte records after a header page, in a mapped file, written correctly: each record's
# page is flushed (mmap.flush -> msync MS_SYNC of that range) before the header that counts it, and
# the header is flushed before the count is printed (the acknowledgement).
import mmap, os, struct, sys

n = int(sys.argv[1])
fd = os.open("log.bin", os.O_RDWR | os.O_CREAT, 0o644)
os.ftruncate(fd, 4096 * 2)
os.fsync(fd)
directory = os.open(".", os.O_RDONLY)
os.fsync(directory)
os.close(directory)
m = mmap.mmap(fd, 4096 * 2, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
for i in range(n):
    offset = 4096 + i * 512
    m[offset : offset + 512] = bytes([97 + i]) * 512
    m.flush(4096, 4096)
    m[0:4] = struct.pack("<i", i + 1)
    m.flush(0, 4096)
    print(i + 1, flush=True)
m.close()
os.close(fd)
