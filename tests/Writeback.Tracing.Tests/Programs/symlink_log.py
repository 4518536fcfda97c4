# Switches a "current" symbolic link to each new version, the way deployment tools and some stores
# publish a release: write data-N and fsync it, symlink("data-N", "current.tmp"), rename it over
# "current", then (mode "dirsync") fsync the directory; prints "ack N" after each.
#   symlink_log.py dirsync|nodirsync N
import os, sys

mode, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    fd = os.open(f"data-{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, f"version {i}\n".encode() * 64)
    os.fsync(fd)
    os.close(fd)
    os.symlink(f"data-{i}", "current.tmp")
    os.rename("current.tmp", "current")
    if mode == "dirsync":
        directory = os.open(".", os.O_RDONLY)
        os.fsync(directory)
        os.close(directory)
    print(f"ack {i}", flush=True)
