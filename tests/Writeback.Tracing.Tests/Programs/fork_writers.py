# Several processes write one file: the parent creates it, forks N children that each pwrite their
# own 512-byte slot and fdatasync, waits for all, then fsyncs the directory and acknowledges.
import os, sys

n = int(sys.argv[1])
fd = os.open("shared.bin", os.O_RDWR | os.O_CREAT, 0o644)
children = []
for i in range(n):
    pid = os.fork()
    if pid == 0:
        os.pwrite(fd, bytes([97 + i]) * 512, i * 512)
        os.fdatasync(fd)
        os._exit(0)
    children.append(pid)
for pid in children:
    _, status = os.waitpid(pid, 0)
    if status != 0:
        sys.exit(1)
directory = os.open(".", os.O_RDONLY)
os.fsync(directory)
print(n, flush=True)
