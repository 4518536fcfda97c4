# Redis's multi-part append-only file (appendonlydir/, Redis 7): the manifest names the base and
# incremental files; the commands they hold are replayed as redis-server would on start (a truncated
# last command is dropped, as with aof-load-truncated yes, the default); any other damage fails.
# Every acknowledged SET keyI "value I" must be there.
import os, sys
from acks import acknowledged, image

acked = acknowledged()
directory = image("appendonlydir")
manifests = [f for f in os.listdir(directory) if f.endswith(".manifest")] if os.path.isdir(directory) else []
if not manifests:
    if acked:
        print(f"no append-only manifest but {acked} SETs were acknowledged"); sys.exit(1)
    sys.exit(0)
files = []
for line in open(os.path.join(directory, manifests[0]), "rb").read().split(b"\n"):
    words = line.split()
    if not words:
        continue
    fields = dict(zip(words[0::2], words[1::2]))
    if b"file" not in fields:  # a torn manifest line: redis-server refuses to start on it
        print(f"append-only manifest {manifests[0]} has a line without a file: {line[:60]!r}"); sys.exit(1)
    files.append((fields.get(b"type"), fields[b"file"].decode(errors="replace")))
files.sort(key=lambda f: f[0] != b"b")  # the base first, then the incremental files in order

values = {}


def parse(data, last):
    i = 0
    while i < len(data):
        try:
            if data[i:i + 1] != b"*":
                raise ValueError(f"byte {i} is {data[i:i + 1]!r}, not a command")
            end = data.index(b"\r\n", i)
            count, i = int(data[i + 1:end]), end + 2
            words = []
            for _ in range(count):
                end = data.index(b"\r\n", i)
                length = int(data[i + 1:end])
                words.append(data[end + 2:end + 2 + length])
                if len(data) < end + 4 + length:
                    raise IndexError
                i = end + 4 + length
        except (IndexError, ValueError) as e:
            if last and isinstance(e, IndexError) or (last and b"*" not in data[i:]):
                return  # a truncated tail, dropped as redis-server does
            print(f"append-only file damaged: {e}"); sys.exit(1)
        if words and words[0].upper() == b"SET":
            values[words[1]] = words[2]


for n, (kind, name) in enumerate(files):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        print(f"the manifest names {name}, which is missing"); sys.exit(1)
    data = open(path, "rb").read()
    if data.startswith(b"REDIS"):
        continue  # an RDB preamble base: empty here (the database starts empty)
    parse(data, n == len(files) - 1)
for i in range(1, acked + 1):
    if values.get(f"key{i}".encode()) != f"value {i}".encode():
        print(f"key{i} is missing but SET {acked} was acknowledged"); sys.exit(1)
