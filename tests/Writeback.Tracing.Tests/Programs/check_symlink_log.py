# Checker for symlink_log.py: once version N was acknowledged, "current" is a symbolic link to data-K
# (K >= N) and data-K holds version K. Exit 0 = consistent; the output says why not.
import os, re, sys

image = os.environ["WRITEBACK_IMAGE"]
found = re.findall(r"ack (\d+)", open(os.environ["WRITEBACK_OUTPUT"]).read())
acked = int(found[-1]) if found else 0
current = os.path.join(image, "current")
if not os.path.lexists(current):
    if acked:
        print(f"current is missing but version {acked} was acknowledged"); sys.exit(1)
    sys.exit(0)
if not os.path.islink(current):
    print("current is not a symbolic link"); sys.exit(1)
target = os.readlink(current)
match = re.fullmatch(r"data-(\d+)", target)
if not match:
    print(f"current points at {target!r}"); sys.exit(1)
k = int(match.group(1))
if k < acked:
    print(f"current points at data-{k} but version {acked} was acknowledged"); sys.exit(1)
path = os.path.join(image, target)
if not os.path.exists(path) or open(path, "rb").read() != f"version {k}\n".encode() * 64:
    print(f"current points at data-{k}, which is missing or torn"); sys.exit(1)
