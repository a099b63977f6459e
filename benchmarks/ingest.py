"""Ingest throughput: N publications through parse + extract + store on a fresh SQLite database (or an
empty one given by --database-url).

The publications are made by recombining real texts: titles and abstracts of NSF engineering awards and
SBIR manufacturing awards, authors drawn from real NSF investigator names and institutions. They are
written to a temporary JSONL file in the flat publications format (indexers/sources/publications.py)
and loaded with indexers.ingest.load(..., index=False), so the figure covers parsing, capability
extraction and SQL writes, not search indexing.

    .venv/bin/python benchmarks/ingest.py               # 100,000 documents
    .venv/bin/python benchmarks/ingest.py --docs 20000  # quicker
    .venv/bin/python benchmarks/ingest.py --extract-only --docs 20000  # extractor alone

The last line printed is one JSON object: docs, seconds, docs_per_s, cpu_s (this process and the
extraction workers; cpu_importer_s and cpu_workers_s apart), docs_per_cpu_s, load_avg, peak_rss_mb (the importing process; worker_peak_rss_mb
for the largest worker) and a few extras. On a shared machine docs_per_cpu_s is the comparable figure.
The extractor (pipeline + ~15k patterns) is built before the clock starts; its build time is reported
as extractor_build_s.
"""
from __future__ import annotations

import os
import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("INNOBRIDGE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
NSF = DATA / "researchers" / "nsf_awards_engineering.jsonl"
SBIR = DATA / "firms" / "sbir_awards_manufacturing.jsonl"


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_sources(nsf: Path = NSF, sbir: Path = SBIR) -> tuple[list[str], list[str], list[tuple[str, str | None]], list[int]]:
    """(titles, abstracts, (investigator, institution) pairs, years) from the real award files."""
    titles: list[str] = []
    abstracts: list[str] = []
    people: list[tuple[str, str | None]] = []
    years: list[int] = []
    for path in (nsf, sbir):
        for row in _read(path):
            title, abstract = (row.get("title") or "").strip(), (row.get("abstract") or "").strip()
            if title:
                titles.append(title)
            if abstract:
                abstracts.append(abstract)
            year = row.get("start_year") or row.get("year")
            if isinstance(year, int):
                years.append(year)
            for name in row.get("pi_names") or ():
                if name and name.strip():
                    people.append((name.strip(), row.get("institution")))
    if not (titles and abstracts and people):
        raise SystemExit(f"no usable rows in {nsf} / {sbir}")
    return titles, abstracts, people, years or [2020]


def write_publications(path: Path, n: int, seed: int = 7) -> int:
    """Write n recombined publications as JSON Lines; returns the number of characters of text written."""
    titles, abstracts, people, years = load_sources()
    rng = random.Random(seed)
    chars = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            title = rng.choice(titles)
            abstract = rng.choice(abstracts)
            authors = []
            for name, institution in rng.sample(people, rng.randint(1, 4)):
                authors.append({"name": name, "institution": institution} if institution else {"name": name})
            row = {"doi": f"10.5555/innobridge-bench.{i}", "title": title, "abstract": abstract,
                   "year": rng.choice(years), "venue": "InnoBridge Benchmark Journal", "authors": authors}
            chars += len(title) + len(abstract)
            fh.write(json.dumps(row) + "\n")
    return chars


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak RSS of this process (RUSAGE_SELF) or of its largest finished child (RUSAGE_CHILDREN)."""
    peak = resource.getrusage(who).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the extraction workers)."""
    return sum(cpu_split())


def cpu_split() -> tuple[float, float]:
    """(this process, its finished children) user + system CPU seconds."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def run_extract_only(n: int, seed: int) -> dict:
    """extract_many alone over the same recombined texts, in ingest-sized batches (title, text pairs)."""
    from matcher.capabilities.extractor import get_extractor

    titles, abstracts, _, _ = load_sources()
    rng = random.Random(seed)
    texts: list[str] = []
    for _ in range(n):
        texts.extend((rng.choice(titles), rng.choice(abstracts)))
    t0 = time.perf_counter()
    extractor = get_extractor()
    build = time.perf_counter() - t0
    t0, cpu0 = time.perf_counter(), time.process_time()
    mentions = 0
    for i in range(0, len(texts), 1000):  # ingest batches of 500 records -> 1000 texts
        mentions += sum(len(m) for m in extractor.extract_many(texts[i:i + 1000]))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"mode": "extract_only", "docs": n, "texts": len(texts), "mentions": mentions,
            "seconds": round(seconds, 2), "docs_per_s": round(n / seconds, 1), "cpu_s": round(cpu, 2),
            "docs_per_cpu_s": round(n / cpu, 1), "load_avg": os.getloadavg(),
            "extractor_build_s": round(build, 2), "peak_rss_mb": peak_rss_mb()}


def run_ingest(n: int, seed: int, workdir: Path, workers: int, database_url: str | None = None,
               batch_size: int | None = None, batches_per_commit: int | None = None) -> dict:
    from sqlalchemy import func, select

    from indexers.ingest import load
    from matcher.capabilities.extractor import get_extractor
    from matcher.migrate import upgrade
    from matcher.models import CapabilityEvidence, Document, Researcher
    from matcher.runtime import Runtime

    source = workdir / "publications.jsonl"
    chars = write_publications(source, n, seed)
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    runtime = Runtime({"DATABASE_URL": url, "SEMANTIC_ENABLED": False, "SEARCH_BACKEND": "local",
                       "INDEX_DIR": str(workdir / "index"), "INGEST_WORKERS": workers})
    t0 = time.perf_counter()
    get_extractor()
    build = time.perf_counter() - t0
    try:
        with runtime.db.session() as session:
            if session.scalar(select(func.count()).select_from(Document)):
                raise SystemExit(f"{url}: the benchmark needs an empty database")
        t0, (own0, kids0) = time.perf_counter(), cpu_split()
        sizes = {name: value for name, value in (("batch_size", batch_size), ("batches_per_commit", batches_per_commit))
                 if value}
        report = load(runtime, "publications", source, index=False, errors=sys.stderr, **sizes)
        seconds, (own, kids) = time.perf_counter() - t0, cpu_split()
        own, kids = own - own0, kids - kids0
        cpu = own + kids
        with runtime.db.session() as session:
            documents = session.scalar(select(func.count()).select_from(Document))
            evidence = session.scalar(select(func.count()).select_from(CapabilityEvidence))
            researchers = session.scalar(select(func.count()).select_from(Researcher))
    finally:
        runtime.close()
    if report.loaded != n or report.rejected:
        raise SystemExit(f"expected {n} rows loaded, got {report.summary()}")
    return {"mode": "ingest", "database": url.split(":", 1)[0], "docs": n, "workers": workers, "seconds": round(seconds, 2),
            "docs_per_s": round(n / seconds, 1), "cpu_s": round(cpu, 2), "docs_per_cpu_s": round(n / cpu, 1),
            "cpu_importer_s": round(own, 2), "cpu_workers_s": round(kids, 2), "load_avg": os.getloadavg(), "peak_rss_mb": peak_rss_mb(),
            "worker_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN), "documents": documents, "evidence_rows": evidence,
            "researchers": researchers, "mean_chars": round(chars / n), "extractor_build_s": round(build, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="publications to load (default 100,000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--extract-only", action="store_true", help="time CapabilityExtractor.extract_many alone")
    parser.add_argument("--workers", type=int, default=None,
                        help="INGEST_WORKERS for the run (default: the import's default; 0 = single process)")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the timed part to FILE")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep the JSONL and database")
    parser.add_argument("--batch-size", type=int,
                        help="rows per batch sent to the workers and flushed (default: the import's BATCH_SIZE)")
    parser.add_argument("--batches-per-commit", type=int,
                        help="batches per transaction (default: the import's BATCHES_PER_COMMIT)")
    parser.add_argument("--database-url", metavar="URL",
                        help="load into this empty database (e.g. PostgreSQL) instead of a fresh SQLite file")
    args = parser.parse_args(argv)

    def go(workdir: Path) -> dict:
        if args.extract_only:
            return run_extract_only(args.docs, args.seed)
        from indexers.ingest import DEFAULT_INGEST_WORKERS

        workers = DEFAULT_INGEST_WORKERS if args.workers is None else args.workers
        return run_ingest(args.docs, args.seed, workdir, workers, args.database_url, args.batch_size,
                          args.batches_per_commit)

    def maybe_profiled(workdir: Path) -> dict:
        if not args.profile:
            return go(workdir)
        import cProfile

        profiler = cProfile.Profile()
        try:
            return profiler.runcall(go, workdir)
        finally:
            profiler.dump_stats(args.profile)

    if args.keep:
        workdir = Path(args.keep)
        workdir.mkdir(parents=True, exist_ok=True)
        result = maybe_profiled(workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="innobridge-bench-") as tmp:
            result = maybe_profiled(Path(tmp))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
