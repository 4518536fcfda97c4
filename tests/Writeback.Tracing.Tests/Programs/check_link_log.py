# Every acknowledged object_N exists with its whole contents; no other object is torn.
import os, re, sys

image, acked = os.environ["WRITEBACK_IMAGE"], 0
found = re.findall(r"ack (\d+)", open(os.environ["WRITEBACK_OUTPUT"]).read())
acked = int(found[-1]) if found else 0
for i in range(1, acked + 1):
    path = os.path.join(image, f"object_{i}")
    if not os.path.exists(path):
        print(f"object_{i} is missing but it was acknowledged"); sys.exit(1)
    if open(path).read() != f"object {i}\n" * 64:
        print(f"object_{i} is torn"); sys.exit(1)
