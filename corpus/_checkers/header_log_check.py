# The header-counted log (mmap_log.py, HeaderLog.java): every record the header counts is on disk,
# and the count covers every acknowledged record.   header_log_check.py FILE
import struct, sys
from acks import acknowledged, image, records, were

name = sys.argv[1]
acked = acknowledged()
try:
    data = open(image(name), "rb").read()
except FileNotFoundError:
    if acked:
        print(f"{name} is missing but {records(acked)} {'was' if acked == 1 else 'were'} acknowledged"); sys.exit(1)
    sys.exit(0)
count = struct.unpack("<i", data[0:4])[0] if len(data) >= 4 else 0
if count < acked:
    print(f"the header counts {records(count)} but {were(acked)} acknowledged"); sys.exit(1)
for i in range(count):
    if data[4096 + i * 512 : 4096 + (i + 1) * 512] != bytes([97 + i]) * 512:
        print(f"the header counts {records(count)} but record {i} is not on disk"); sys.exit(1)
