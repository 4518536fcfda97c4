# The post-crash image of a sqlite3 entry: test.db opens (SQLite recovers a hot journal or the WAL
# as it would after the crash), passes PRAGMA integrity_check, and holds every acknowledged row,
# in order: row i has v = 'row i'.
import sqlite3, sys
from acks import acknowledged, image

acked = acknowledged()
try:
    db = sqlite3.connect(image("test.db"))
    check = db.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        print(f"integrity_check: {check}"); sys.exit(1)
    rows = db.execute("SELECT id, v FROM t ORDER BY id").fetchall()
except sqlite3.DatabaseError as e:
    print(f"test.db: {e}"); sys.exit(1)
for i, (_, v) in enumerate(rows):
    if v != f"row {i + 1}":
        print(f"row {i + 1} holds {v!r}"); sys.exit(1)
if len(rows) < acked:
    print(f"{len(rows)} rows but {acked} inserts were acknowledged"); sys.exit(1)
