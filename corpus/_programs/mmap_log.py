# A log of 512-byte records after a header page holding the record count, in a mapped file.
#   mmap_log.py range N: each record's page is flushed (mmap.flush(offset, size) -> msync MS_SYNC of
#                        that range) before the header that counts it, then the header.
#   mmap_log.py header N: only the header page is flushed, as a barrier before and after bumping the
#                        count (correct only where msync syncs the whole file, as before Linux 3.16).
# "ack N" is printed after the header that counts record N is flushed.
import mmap, os, struct, sys

mode, n = sys.argv[1], int(sys.argv[2])
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
    if mode == "range":
        m.flush(4096, 4096)
    else:
        m.flush(0, 4096)
    m[0:4] = struct.pack("<i", i + 1)
    m.flush(0, 4096)
    print(f"ack {i + 1}", flush=True)
m.close()
os.close(fd)
