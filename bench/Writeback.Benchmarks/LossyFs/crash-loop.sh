#!/bin/sh
# Mounts LossyFs with --daemon, starts a writer (write + fsync in a loop), crashes the mount while
# the writer runs, and checks that `lossyfs crash` exited 0 and left no mount. Repeats N times
# (default 100) and prints the counts. Usage: crash-loop.sh WRITEBACK_COMMAND [N]
set -u
writeback=$1
rounds=${2:-100}
work=$(mktemp -d /tmp/lossyfs-crash-loop.XXXXXX)
mkdir -p "$work/backing" "$work/mnt"
ok=0 failed=0 left=0
i=0
while [ "$i" -lt "$rounds" ]; do
    i=$((i + 1))
    $writeback lossyfs mount --backing "$work/backing" "$work/mnt" --daemon >/dev/null || { echo "round $i: mount failed"; failed=$((failed + 1)); continue; }
    python3 -c "
import os, sys
fd = os.open(sys.argv[1], os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)
try:
    while True:
        os.write(fd, b'x' * 4096); os.fsync(fd)
except OSError:
    pass
" "$work/mnt/log.$i" 2>/dev/null &
    writer=$!
    sleep 0.2
    if $writeback lossyfs crash "$work/mnt" --keep random --seed "$i" >/dev/null 2>"$work/err"; then
        ok=$((ok + 1))
    else
        failed=$((failed + 1)); echo "round $i: crash exit $?: $(cat "$work/err")"
    fi
    if grep -q " $work/mnt " /proc/self/mountinfo; then
        left=$((left + 1)); echo "round $i: mount left behind"; $writeback lossyfs unmount "$work/mnt" >/dev/null 2>&1
    fi
    kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
done
echo "crash calls: $rounds, exit 0: $ok, failed: $failed, mounts left behind: $left"
rm -rf "$work"
[ "$failed" -eq 0 ] && [ "$left" -eq 0 ]
