# Checker for rename_log.rs, node_log.js and pwritev2_flags.c: NAME holds "version K" (kind
# "version"), lines "record 1".."record K" (kind "records"), or the first K of the lines given after
# kind "lines"; K must be at least the last acknowledged number.
import os, sys

image = os.environ["WRITEBACK_IMAGE"]
name, kind = sys.argv[1], sys.argv[2]
output = open(os.environ["WRITEBACK_OUTPUT"]).read().split()
acknowledged = int(output[-1]) if output else 0
path = os.path.join(image, name)
if not os.path.exists(path):
    if acknowledged:
        print(f"{name} is missing but {acknowledged} was acknowledged")
        sys.exit(1)
    sys.exit(0)
text = open(path).read()
if kind == "version":
    lines = text.splitlines()
    got = int(lines[0].split()[1]) if lines and lines[0].startswith("version ") else 0
else:
    lines = text.split("\n")
    complete = lines[:-1]
    expected = sys.argv[3:] if kind == "lines" else [f"record {i + 1}" for i in range(len(complete))]
    for i, line in enumerate(complete):
        if i >= len(expected) or line != expected[i]:
            print(f"line {i + 1} of {name} is {line!r}")
            sys.exit(1)
    got = len(complete)
if got < acknowledged:
    print(f"{name} holds {got} but {acknowledged} was acknowledged")
    sys.exit(1)
