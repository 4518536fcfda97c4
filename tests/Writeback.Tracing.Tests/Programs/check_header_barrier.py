# Checker for header_barrier.c and mmap_log.py: every record the header counts is on disk, and the
# count covers every acknowledged record. Exit 0 = consistent; the first output line says why not.
import os, struct, sys

image = os.environ["WRITEBACK_IMAGE"]
name = sys.argv[1]
output = open(os.environ["WRITEBACK_OUTPUT"]).read().split()
acknowledged = int(output[-1]) if output else 0
path = os.path.join(image, name)
if not os.path.exists(path):
    if acknowledged:
        print(f"{name} is missing but {acknowledged} record{'s were' if acknowledged != 1 else ' was'} acknowledged")
        sys.exit(1)
    sys.exit(0)
data = open(path, "rb").read()
count = struct.unpack("<i", data[0:4])[0] if len(data) >= 4 else 0
if count < acknowledged:
    print(f"the header counts {count} record{'s' if count != 1 else ''} but {acknowledged} were acknowledged")
    sys.exit(1)
for i in range(count):
    if data[4096 + i * 512 : 4096 + (i + 1) * 512] != bytes([97 + i]) * 512:
        print(f"the header counts {count} record{'s' if count != 1 else ''} but record {i} is not on disk")
        sys.exit(1)
