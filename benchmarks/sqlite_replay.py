"""SQLite's own share of an import: replay the rows of a kept `ingest.py --keep DIR` database into a fresh one.

The documents, their links and their evidence are inserted in the order the import wrote them (by row id),
`--batch` documents per flush, `--batches-per-commit` flushes per transaction, on a connection with the
importer's settings (WAL, synchronous=NORMAL, foreign keys, 64 MB page cache); organisations and
researchers go in first, untimed. No parsing, no extraction, no Python of the writer: what is left is the
time SQLite takes to insert and commit, so settings can be compared without the noise of the rest.

    .venv/bin/python benchmarks/ingest.py --keep /tmp/run            # once: 100k publications
    .venv/bin/python benchmarks/sqlite_replay.py /tmp/run/bench.db /tmp/replay.db --batches-per-commit 1
    .venv/bin/python benchmarks/sqlite_replay.py /tmp/run/bench.db /tmp/replay.db --pragma wal_autocheckpoint=40000

Prints one JSON object: CPU and wall seconds, and the wall seconds spent in inserts and in commits.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import time
from collections import defaultdict
from typing import Any


def _columns(db: sqlite3.Connection, table: str) -> int:
    return len(db.execute(f"PRAGMA table_info({table})").fetchall())


def _insert(table: str, width: int) -> str:
    return f"INSERT INTO {table} VALUES ({', '.join('?' * width)})"


def replay(source: str, target: str, batch: int, batches_per_commit: int, pragmas: list[str]) -> dict[str, Any]:
    """Copy `source`'s schema and rows into a new `target` as an import writes them; the timings."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(target + suffix):
            os.remove(target + suffix)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-65536", *pragmas):
        dst.execute(f"PRAGMA {pragma}")
    for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                              "ORDER BY type = 'index', rowid"):
        dst.execute(sql)
    dst.execute("BEGIN")
    for table in ("organizations", "labs", "researchers"):
        dst.executemany(_insert(table, _columns(src, table)), src.execute(f"SELECT * FROM {table}"))
    dst.execute("COMMIT")
    documents = src.execute("SELECT * FROM documents ORDER BY rowid").fetchall()
    links: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in src.execute("SELECT * FROM document_entities ORDER BY id"):
        links[row[1]].append(row)
    evidence: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    document_column = [r[1] for r in src.execute("PRAGMA table_info(capability_evidence)")].index("document_id")
    for row in src.execute("SELECT * FROM capability_evidence ORDER BY id"):
        evidence[row[document_column]].append(row)
    statements = {table: _insert(table, _columns(src, table))
                  for table in ("documents", "document_entities", "capability_evidence")}
    inserting = committing = 0.0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    commit_every = batch * batches_per_commit
    dst.execute("BEGIN")
    for start in range(0, len(documents), batch):
        chunk = documents[start:start + batch]
        t0 = time.perf_counter()
        dst.executemany(statements["documents"], chunk)
        dst.executemany(statements["document_entities"], [link for doc in chunk for link in links[doc[0]]])
        dst.executemany(statements["capability_evidence"], [row for doc in chunk for row in evidence[doc[0]]])
        t1 = time.perf_counter()
        inserting += t1 - t0
        if (start + batch) % commit_every == 0 or start + batch >= len(documents):
            dst.execute("COMMIT")
            committing += time.perf_counter() - t1
            if start + batch < len(documents):
                dst.execute("BEGIN")
    return {"documents": len(documents), "batch": batch, "batches_per_commit": batches_per_commit, "pragmas": pragmas,
            "cpu_s": round(time.process_time() - cpu0, 2), "seconds": round(time.perf_counter() - wall0, 2),
            "insert_s": round(inserting, 2), "commit_s": round(committing, 2), "load_avg": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="a kept benchmark database (ingest.py --keep DIR: DIR/bench.db)")
    parser.add_argument("target", help="the database file to write (replaced)")
    parser.add_argument("--batch", type=int, default=2000, help="documents per flush (default 2,000)")
    parser.add_argument("--batches-per-commit", type=int, default=5, help="flushes per transaction (default 5)")
    parser.add_argument("--pragma", action="append", default=[], help="another PRAGMA, e.g. mmap_size=2000000000")
    args = parser.parse_args(argv)
    print(json.dumps(replay(args.source, args.target, args.batch, args.batches_per_commit, args.pragma)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
