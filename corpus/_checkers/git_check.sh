#!/bin/sh
# The repository opens, `git fsck` finds every object intact and reachable from HEAD, and HEAD has
# the setup's commit plus every acknowledged one, with file.txt holding their lines.
cd "$WRITEBACK_IMAGE" || exit 1
acked=$(grep -o 'ack [0-9]*' "$WRITEBACK_OUTPUT" | tail -n1 | cut -d' ' -f2)
acked=${acked:-0}
out=$(git fsck --no-progress --no-dangling 2>&1) || { echo "git fsck: $(echo "$out" | head -n1)"; exit 1; }
commits=$(git rev-list --count HEAD 2>&1) || { echo "git rev-list HEAD: $commits"; exit 1; }
[ "$commits" -ge $((acked + 1)) ] || { echo "HEAD has $((commits - 1)) commits but $acked were acknowledged"; exit 1; }
lines=$(git show HEAD:file.txt 2>&1 | grep -c '^line') || true
[ "$lines" -eq $((commits - 1)) ] || { echo "HEAD:file.txt has $lines lines in commit $((commits - 1))"; exit 1; }
