# Atomic replace of a small file, N times: write current.tmp, optionally fsync it, os.replace it over
# "current", optionally fsync the directory, then print "ack N".
#   replace.py fsync-dirsync|fsync|nofsync N
import os, sys

mode, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    with open("current.tmp", "w") as f:
        f.write(f"value {i}\n" * 100)
        if mode != "nofsync":
            f.flush()
            os.fsync(f.fileno())
    os.replace("current.tmp", "current")
    if mode == "fsync-dirsync":
        directory = os.open(".", os.O_RDONLY)
        os.fsync(directory)
        os.close(directory)
    print(f"ack {i}", flush=True)
