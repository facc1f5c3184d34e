#!/usr/bin/env python3
"""bench/cold_floor.py write|sqlite [DIR] — floors under issue 12's 100k cold build, no feedd.

  write   what a 100,000-post `feedd build` writes (644 MB in 2,161 files, bench/RESULTS.md
          2026-12-02), written in Python then synced: the file system's cost alone.
  sqlite  SQLite (Python's module, same library) inserting 100,000 rows of ~4 KB, the size of
          the 100k index, in one transaction into a new file with no journal (as feedd's
          FreshIndex does), then fsync: the index's cost with no post parsed.

Neither reads a post, renders a feed or compresses anything: what feedd does on top of these is
CPU. DIR defaults to $BENCH_WORK/floor (bench/work/floor); it is emptied first and last.
"""
import os
import shutil
import sqlite3
import sys
import time

which = sys.argv[1]
work = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    os.environ.get("BENCH_WORK", os.path.join(os.path.dirname(os.path.abspath(__file__)), "work")),
    "floor")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
os.sync()
if which == "write":
    size = 644 * (1 << 20) // 2161
    data = os.urandom(size)
    t0 = time.perf_counter()
    for i in range(2161):
        with open(os.path.join(work, f"f{i}.xml"), "wb") as f:
            f.write(data)
    t1 = time.perf_counter()
    os.sync()
    t2 = time.perf_counter()
    print(f"write 644 MB in 2161 files: {t1 - t0:.3f} s, sync {t2 - t1:.3f} s")
elif which == "sqlite":
    db = os.path.join(work, "index.sqlite")
    body = "x" * 4000
    t0 = time.perf_counter()
    c = sqlite3.connect(db)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "page_size=16384"):
        c.execute("PRAGMA " + pragma)
    c.execute("CREATE TABLE posts (key TEXT PRIMARY KEY, lang TEXT, published INTEGER, "
              "content TEXT)")
    c.execute("CREATE INDEX posts_published ON posts (lang, published)")
    c.execute("BEGIN")
    c.executemany("INSERT INTO posts VALUES (?, ?, ?, ?)",
                  ((f"k{i:07d}", "ja" if i % 2 else "en", i, body + str(i))
                   for i in range(100000)))
    c.execute("COMMIT")
    c.close()
    t1 = time.perf_counter()
    fd = os.open(db, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    t2 = time.perf_counter()
    print(f"sqlite 100k rows, {os.path.getsize(db) / 1e6:.0f} MB: {t1 - t0:.3f} s, "
          f"fsync {t2 - t1:.3f} s")
else:
    sys.exit(__doc__)
shutil.rmtree(work, ignore_errors=True)
