"""Where a profiled request's CPU goes, by part: encoder, search, SQL, templates, web framework, Python.

Reads a cProfile file and sums each function's own time (tottime) into a part chosen by the file it lives
in; a built-in (C) function is split among its callers' parts in proportion to the time each caller spent
in it, so `sum()` called by the ranking counts as ranking Python and `sqlite3.Cursor.execute` as SQL.
Time spent waiting on another thread (a lock) is left out.

The profile is taken with cProfile's default (wall-clock) timer: a CPU-time timer is a system call per
function call here and doubled the request's CPU, skewing the parts towards the many small Python calls.
On a loaded machine the wall clock also counts the time the thread waits for a core, but that wait falls
on every part in proportion to its length, so the shares hold; search_cpu.py multiplies each share by the
request thread's measured CPU time (time.thread_time, including cProfile's overhead of about 20%).

    .venv/bin/python benchmarks/cpu_breakdown.py PROFILE [--cpu-ms MS]
"""
from __future__ import annotations

import argparse
import json
import pstats
from collections import defaultdict

#: (part, substrings of a file path or of a built-in's name), first match wins.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("encoder", ("onnxruntime", "tokenizers", "matcher/embeddings/")),
    ("search", ("tantivy", "matcher/search/")),
    ("sql", ("sqlalchemy", "sqlite3", "psycopg", "matcher/repositories/", "matcher/db.py",
             "matcher/models/")),
    ("templates", ("jinja2", "web/templates", "flask_babel", "/babel/", "markupsafe", "web/i18n", "web/labels",
                   "web/filters")),
    ("web", ("werkzeug", "flask", "web/", "wtforms", "itsdangerous")),
    ("ranking", ("matcher/",)),
)


def part_of(where: str) -> str | None:
    for part, needles in PARTS:
        if any(n in where for n in needles):
            return part
    return None


#: Built-ins that wait for another thread rather than compute.
WAITS = ("<method 'acquire' of '_thread.lock' objects>", "<method 'acquire' of '_thread.RLock' objects>",
         "<built-in method time.sleep>")


def breakdown(path: str) -> dict[str, float]:
    """Seconds of own time per part (plus "other" for the rest: stdlib, numpy's Python, ...)."""
    stats = pstats.Stats(path).stats  # type: ignore[attr-defined]
    parts: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, tottime, _ct, callers) in stats.items():
        if filename == "~" and name in WAITS:
            continue
        if filename == "~":  # a built-in: its own name may say where it belongs, else its callers do
            part = part_of(name)
            if part is None:
                spent = sum(c[2] for c in callers.values()) or 1.0
                for caller, c in callers.items():
                    parts[part_of(caller[0]) or "other"] += tottime * c[2] / spent
                continue
        else:
            part = part_of(filename.replace("\\", "/"))
        parts[part or "other"] += tottime
    return dict(parts)


def report(path: str, cpu_ms: float) -> dict[str, float]:
    """Each part's share of the profiled time, times `cpu_ms` (the request thread's CPU per request)."""
    parts = breakdown(path)
    total = sum(parts.values()) or 1.0
    return {f"{part}_ms": round(parts.get(part, 0.0) / total * cpu_ms, 2) for part in [p for p, _ in PARTS] + ["other"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile")
    parser.add_argument("--cpu-ms", type=float, default=100.0, help="CPU per request (default 100: percentages)")
    args = parser.parse_args(argv)
    print(json.dumps(report(args.profile, args.cpu_ms)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
