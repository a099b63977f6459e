"""CPU time per cold search page: GET /search in-process with the result cache off, over varied queries.

What the issue's "CPU per cold search <= 10 ms" means, measured without a load generator competing for
the cores: time.process_time() (every thread of this process: the view, match() and its search
thread, the template) around each request of Flask's test client, after a warm-up that loads the
model, the index and the templates. With --profile, the request thread is profiled by its own CPU time
and the last line adds the request thread's CPU milliseconds per request by part
(benchmarks/cpu_breakdown.py: encoder, search, sql, templates, web, ranking, other; profiled figures are
about 20% above unprofiled ones). `other_threads_cpu_ms_mean` is the CPU of the other threads (the
profile searches, onnxruntime's pool), which the profile does not see. Wall time is printed beside it; on a shared machine only the CPU
figure is comparable.

    DATABASE_URL=sqlite:///instance/innobridge.db INDEX_DIR=instance/index \\
        .venv/bin/python benchmarks/search_cpu.py [--queries 100] [--kind partners] [--lang ko] [--profile FILE]

The queries are the site-load queries and the titles of the bundled demo problems (the first
--queries of them). The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.cpu_breakdown import report  # noqa: E402
from benchmarks.site_load import QUERIES, percentile  # noqa: E402


_CSRF = re.compile(rb'(csrf[-_]token" (?:content|value)=")[^"]*')


def queries(n: int) -> list[str]:
    titles = []
    with (ROOT / "data" / "demo" / "problems.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                titles.append(json.loads(line)["title"])
    return (QUERIES + titles)[:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--kind", default=None, help="search one kind or group (default: the overview page)")
    parser.add_argument("--lang", choices=("en", "ko"), default=None,
                        help="ask for the pages in this language (the language switch's cookie); default: none sent")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the timed requests to this file")
    parser.add_argument("--dump", type=Path, help="write each page's SHA-1 (JSON lines): two runs' pages are the "
                        "same, ranking, evidence and markup, when the files are")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL and INDEX_DIR to a loaded instance (make run's instance/ will do)")
    os.environ["SEARCH_CACHE_SECONDS"] = "0"
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from web import create_app
    from web.warmup import warm_up

    app = create_app({"RATELIMIT_ENABLED": False, "SEARCH_CACHE_SECONDS": 0})
    t0, c0 = time.perf_counter(), time.process_time()
    warm_up(app)
    warm = {"warm_up_wall_s": round(time.perf_counter() - t0, 2), "warm_up_cpu_s": round(time.process_time() - c0, 2)}
    client = app.test_client()
    if args.lang:
        client.set_cookie("innobridge_lang", args.lang)
    paths = []
    for q in queries(args.queries):
        params = {"q": q, **({"kind": args.kind} if args.kind else {})}
        paths.append("/search?" + urlencode(params))
    client.get(paths[0])  # first real page: template compiled
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()  # the wall-clock timer: benchmarks/cpu_breakdown.py says why
    cpu_ms, main_ms, wall_ms, digests = [], [], [], []
    for path in paths:
        if profiler:
            profiler.enable()
        w, c, t = time.perf_counter(), time.process_time(), time.thread_time()
        response = client.get(path)
        cpu_ms.append((time.process_time() - c) * 1000)
        main_ms.append((time.thread_time() - t) * 1000)
        wall_ms.append((time.perf_counter() - w) * 1000)
        if profiler:
            profiler.disable()
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        page = _CSRF.sub(b"\\1", response.get_data())  # the only per-request bytes of a page
        digests.append({"path": path, "sha1": hashlib.sha1(page).hexdigest()})
    breakdown = {}
    if profiler:
        profiler.dump_stats(str(args.profile))
        breakdown = report(str(args.profile), statistics.mean(main_ms))
    if args.dump:
        args.dump.write_text("".join(json.dumps(d) + "\n" for d in digests), encoding="utf-8")
    print(json.dumps({"queries": len(paths), "kind": args.kind or "overview", "lang": args.lang,
                      "cpu_ms_mean": round(statistics.mean(cpu_ms), 2), "cpu_ms_p50": round(percentile(cpu_ms, 0.5), 2),
                      "cpu_ms_p95": round(percentile(cpu_ms, 0.95), 2),
                      "other_threads_cpu_ms_mean": round(statistics.mean(cpu_ms) - statistics.mean(main_ms), 2),
                      "wall_ms_p50": round(percentile(wall_ms, 0.5), 2),
                      "load_avg": os.getloadavg(), **warm, **breakdown}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
