# An append-only text log: its lines are "record 1", "record 2", ... in order (a torn last line is
# allowed: it was never acknowledged), and every acknowledged record is there.   log_lines_check.py FILE
import sys
from acks import acknowledged, image, records, were

name = sys.argv[1]
acked = acknowledged()
try:
    data = open(image(name), "rb").read()
except FileNotFoundError:
    if acked:
        print(f"{name} is missing but {records(acked)} {'was' if acked == 1 else 'were'} acknowledged"); sys.exit(1)
    sys.exit(0)
lines = data.split(b"\n")
complete = lines[:-1]
for i, line in enumerate(complete):
    if line != f"record {i + 1}".encode():
        print(f"{name} line {i + 1} is {line[:40]!r}"); sys.exit(1)
if len(complete) < acked:
    print(f"{name} holds {records(len(complete))} but {were(acked)} acknowledged"); sys.exit(1)
