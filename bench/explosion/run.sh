#!/bin/sh
# The two state-explosion programs of issue 17 item 6, recorded once and explored with the defaults
# (both Linux models, all three crash kinds), timed: the 32 MiB mapping written 4 MiB at a time, and
# sqlite3 in WAL mode with 20 transactions WITHOUT --ignore '*-shm'. Each exploration runs twice:
# as a user would first run it (the checker judges each distinct image and output once), and with
# --checker-uses-context (judged once per model and crash kind too). Usage: sh bench/explosion/run.sh CLI [WORKDIR]
#   CLI: the writeback command, e.g. "dotnet run -c Release --project src/Writeback.Cli --"
#        or a built Writeback.Cli binary.
set -e
cli=$1
here=$(cd "$(dirname "$0")" && pwd)
# The sqlite3 checker is the tracer tests' one (one copy serves both).
check_sqlite="$here/../../tests/Writeback.Tracing.Tests/Programs/check_sqlite.sh"
work=${2:-$(mktemp -d /var/tmp/writeback-explosion-XXXXXX)}
python=$(python3 -c 'import sys; print(sys.executable)')
mkdir -p "$work/big" "$work/wal"
gcc -O2 -o "$work/big-program" "$here/big.c"
sqlite3 "$work/wal/test.db" "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);" >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# --fsync-dir: the name is durable, so every crash point is explored to the end (the harder case).
$cli trace --dir "$work/big" --checker true --crash-kind ProcessCrash --save "$work/big.trace" -- "$work/big-program" --fsync-dir >/dev/null
$cli trace --dir "$work/wal" --checker true --crash-kind ProcessCrash --save "$work/wal.trace" -- sh "$here/wal.sh" >/dev/null
timed() {
  label=$1; shift
  start=$(date +%s.%N)
  /usr/bin/time -f "  %e s wall, %U s user, %S s system, %M KiB maximum resident" "$@" > "$work/$label.txt" 2> "$work/$label.time" || true
  grep -E "crash point|explored|makes up|verdicts|pass|FAIL" "$work/$label.txt" | grep -v "^│ *│" | head -12
  echo "$label:"; tail -n1 "$work/$label.time"
}
timed big-default $cli trace --load "$work/big.trace" --checker "$python -S $here/check_big.py"
timed big-uses-context $cli trace --load "$work/big.trace" --checker "$python -S $here/check_big.py" --checker-uses-context
timed wal-default $cli trace --load "$work/wal.trace" --checker "sh $check_sqlite"
timed wal-uses-context $cli trace --load "$work/wal.trace" --checker "sh $check_sqlite" --checker-uses-context
timed wal-ignore-shm $cli trace --load "$work/wal.trace" --checker "sh $check_sqlite" --ignore '*-shm'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "outputs in $work"
