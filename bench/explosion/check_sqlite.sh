#!/bin/sh
# test.db opens, passes integrity_check and has at least as many rows as inserts acknowledged.
db="$WRITEBACK_IMAGE/test.db"
acked=$(grep -o 'ack [0-9]*' "$WRITEBACK_OUTPUT" | tail -n1 | cut -d' ' -f2)
acked=${acked:-0}
[ -f "$db" ] || { echo "test.db is missing"; exit 1; }
result=$(sqlite3 "$db" "PRAGMA integrity_check;" 2>&1 | head -n1)
[ "$result" = "ok" ] || { echo "integrity_check: $result"; exit 1; }
rows=$(sqlite3 "$db" "SELECT count(*) FROM t;" 2>&1)
[ "$rows" -ge "$acked" ] 2>/dev/null || { echo "$rows rows but $acked inserts were acknowledged"; exit 1; }
