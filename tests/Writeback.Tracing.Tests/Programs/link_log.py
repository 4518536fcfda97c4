# Publishes a file the way git finalises an object: write a temporary name, fsync it, link(2) it to
# its final name, unlink the temporary name, then (mode "dirsync") fsync the directory; prints
# "ack N" after each.   link_log.py dirsync|nodirsync N
import os, sys

mode, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    fd = os.open(f"tmp_{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, f"object {i}\n".encode() * 64)
    os.fsync(fd)
    os.close(fd)
    os.link(f"tmp_{i}", f"object_{i}")
    os.unlink(f"tmp_{i}")
    if mode == "dirsync":
        directory = os.open(".", os.O_RDONLY)
        os.fsync(directory)
        os.close(directory)
    print(f"ack {i}", flush=True)
