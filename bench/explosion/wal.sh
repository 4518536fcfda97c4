#!/bin/sh
# sqlite3 in WAL mode, synchronous=FULL: 20 transactions, one sqlite3 process each, each
# acknowledged by "ack N" once its sqlite3 has exited.
set -e
for i in $(seq 1 20); do
  sqlite3 test.db "PRAGMA synchronous=FULL; INSERT INTO t(v) VALUES('row $i');"
  echo "ack $i"
done
