#!/bin/sh
# sqlite3 (WAL + FULL, DELETE + FULL) and LMDB (MDB_WRITEMAP, and MDB_NOSYNC) on ext4, XFS and btrfs
# through `writeback realfs`, next to `writeback trace`'s verdicts under the strict model and the
# file system's own model. Each line: program, file system, crash images, failed, did not mount,
# fsck not clean, trace's power-loss verdicts.
#   sh bench/realfs/programs.sh [CRASHES] [FILE SYSTEMS]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
crashes=${1:-100}
systems=${2:-"ext4 xfs btrfs"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dll=${WRITEBACK_CLI:-$root/src/Writeback.Cli/bin/Debug/net10.0/Writeback.Cli.dll}
wb() { dotnet "$dll" "$@"; }
programs="$root/tests/Writeback.Tracing.Tests/Programs"
gcc -O2 -o "$work/lmdb_log" "$programs/lmdb_log.c" -llmdb
cp "$programs/check_sqlite.sh" "$work/check_sqlite.sh"
sql() { echo "PRAGMA synchronous=FULL; INSERT INTO t(v) VALUES('a'); SELECT 'ack 1'; INSERT INTO t(v) VALUES('b'); SELECT 'ack 2'; INSERT INTO t(v) VALUES('c'); SELECT 'ack 3';"; }
setup_sql() { echo "sqlite3 test.db \"PRAGMA journal_mode=$1; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);\" >/dev/null"; }
model_of() { case "$1" in ext4) echo Ext4Ordered;; xfs) echo Xfs;; *) echo Btrfs;; esac; }

trace_verdict() { # name setup checker ignore program...
  name=$1; setup=$2; checker=$3; ignore=$4; model=$5; shift 5
  dir="$work/trace-$name"; rm -rf "$dir"; mkdir -p "$dir"
  (cd "$dir" && sh -c "$setup")
  wb trace --dir "$dir" --ignore "$ignore" --checker "$checker" --model "$model" --crash-kind PowerLoss \
     --json "$work/trace.json" -- "$@" >/dev/null 2>&1 || true
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('pass' if d['scenarios'][0]['verdicts'][0]['passed'] else 'FAIL')" "$work/trace.json"
}

run() { # name setup checker ignore program...
  name=$1; setup=$2; checker=$3; ignore=$4; shift 4
  strict=$(trace_verdict "$name" "$setup" "$checker" "$ignore" Linux3_16Range "$@")
  for fs in $systems; do
    own=$(trace_verdict "$name" "$setup" "$checker" "$ignore" "$(model_of "$fs")" "$@")
    wb realfs --fs "$fs" --crashes "$crashes" --setup "$setup" --checker "$checker" --json "$work/r.json" -- "$@" >/dev/null 2>"$work/err" || true
    [ -s "$work/r.json" ] || { echo "$name $fs: realfs failed: $(tail -1 "$work/err")"; continue; }
    python3 - "$work/r.json" "$name" "$strict" "$(model_of "$fs")" "$own" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
images = r["images"]
failed = [i for i in images if not i["passed"] and not i["mountFailed"]]
print(f"{sys.argv[2]:<22} {r['fileSystem']:<6} images {len(images):4d}  failed {len(failed):3d}  did-not-mount {sum(i['mountFailed'] for i in images)}"
      f"  fsck-not-clean {sum(i['fsckClean'] is False for i in images)}  | trace PowerLoss: Linux3_16Range {sys.argv[3]}, {sys.argv[4]} {sys.argv[5]}"
      + (f"\n    first failure: {failed[0]['crashPoint']}: {failed[0]['outcome']}" if failed else ""))
PY
    rm -f "$work/r.json"
  done
}

run sqlite-wal-full "$(setup_sql WAL)" "sh $work/check_sqlite.sh" '*-shm' sqlite3 test.db "$(sql)"
run sqlite-delete-full "$(setup_sql DELETE)" "sh $work/check_sqlite.sh" '*-shm' sqlite3 test.db "$(sql)"
run lmdb-writemap "$work/lmdb_log writemap 0" "$work/lmdb_log check" 'lock.mdb' "$work/lmdb_log" writemap 3
run lmdb-writemap-nosync "$work/lmdb_log writemap 0" "$work/lmdb_log check" 'lock.mdb' "$work/lmdb_log" nosync 3
