# "current" holds one whole value k (100 lines "value k") with k >= the last acknowledged replace.
import sys
from acks import acknowledged, image

acked = acknowledged()
try:
    data = open(image("current"), "rb").read().decode(errors="replace")
except FileNotFoundError:
    if acked:
        print(f"current is missing but {acked} replaces were acknowledged"); sys.exit(1)
    sys.exit(0)
lines = data.splitlines()
if len(lines) != 100 or len(set(lines)) != 1 or not lines[0].startswith("value "):
    print(f"current is torn or empty ({len(data)} bytes) with {acked} replaces acknowledged"); sys.exit(1)
try:
    k = int(lines[0].split()[1])
except (IndexError, ValueError):
    print(f"current is torn ({lines[0][:40]!r}) with {acked} replaces acknowledged"); sys.exit(1)
if k < acked:
    print(f"current holds value {k} but replace {acked} was acknowledged"); sys.exit(1)
