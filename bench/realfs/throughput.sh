#!/bin/sh
# Crash images mounted, checked, unmounted (and fsck'd) per second by `writeback realfs` on ext4 at
# 64 MiB (issue 18's target: at least 5 per second). A program of 20 fsynced files gives ~40 epochs;
# the checker is trivial, so the figure is realfs's own cost: build the image, losetup, mount (journal
# replay), run the checker, umount, e2fsck -fn, detach.
#   sh bench/realfs/throughput.sh [CRASHES] [extra realfs options, e.g. --no-fsck]
# WRITEBACK_CLI=path/to/Writeback.Cli.dll uses that build instead of building Release.
# Needs root, loop devices and e2fsprogs. Prints one JSON line per run.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
crashes=${1:-300}
[ $# -gt 0 ] && shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/program.sh" <<'PROGRAM'
#!/bin/sh
for i in $(seq 1 20); do echo "record $i" > "f$i"; sync "f$i"; echo "ack $i"; done
PROGRAM
chmod +x "$work/program.sh"
dll=${WRITEBACK_CLI:-}
if [ -z "$dll" ]; then
  dotnet build -c Release "$root/src/Writeback.Cli" -v q -nologo >/dev/null
  dll="$root/src/Writeback.Cli/bin/Release/net10.0/Writeback.Cli.dll"
fi
dotnet "$dll" realfs --fs ext4 --size 64 --crashes "$crashes" --checker 'test -d "$WRITEBACK_IMAGE"' \
    --json "$work/report.json" "$@" -- "$work/program.sh" >/dev/null 2>&1 || true
python3 - "$work/report.json" "$*" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n = len(r["images"])
print(json.dumps({"fs": r["fileSystem"], "sizeMiB": r["sizeMiB"], "options": sys.argv[2], "images": n,
                  "checkSeconds": round(r["checkSeconds"], 2), "imagesPerSecond": round(n / r["checkSeconds"], 2),
                  "failed": sum(1 for i in r["images"] if not i["passed"]),
                  "fsckNotClean": sum(1 for i in r["images"] if i["fsckClean"] is False)}))
PY
