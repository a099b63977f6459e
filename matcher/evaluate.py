"""Evaluate the ranking on a data set in the shared EVAL_FORMAT: `python -m matcher.evaluate DATASET_DIR`.

The set is loaded into a fresh temporary store and index through the same importer, indexing and
match() as the site (no separate research path). Prints nDCG@10 (graded gain), recall@10 and MRR
(relevance >= relevant_min), with per-query latency; the last line is one JSON object.

This module is an entry point that drives the whole pipeline, so unlike the rest of the core it
imports the indexers (allowed for this file alone by tests/core/test_layering.py).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any
from pathlib import Path

import numpy as np

from matcher import migrate
from matcher.cache import cache_root
from matcher.embeddings.encoder import QUERY_PRECISIONS
from matcher.runtime import Runtime

RANK_DEPTH = 100


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: Sequence[str], qrels: Mapping[str, float], k: int = 10) -> float:
    ideal = dcg(sorted(qrels.values(), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg([qrels.get(e, 0.0) for e in ranked[:k]]) / ideal


def recall_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for i, entity in enumerate(ranked):
        if entity in relevant:
            return 1.0 / (i + 1)
    return 0.0


def read_qrels(path: Path) -> dict[str, dict[str, float]]:
    qrels: dict[str, dict[str, float]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            qrels[row["query_id"]][row["entity_id"]] = float(row["relevance"])
    return qrels


def open_eval_store(dataset_dir: Path, base: Path, semantic: bool = True,
                    query_precision: str = "int8") -> tuple[Runtime, Any]:
    """A fresh store and index in `base`, filled with the data set through the real importer."""
    from indexers.datasets import load_dataset
    from matcher.services.indexing import rebuild_index

    url = f"sqlite:///{base / 'eval.db'}"
    migrate.upgrade(url)
    cache_dir = cache_root()
    settings = {"DATABASE_URL": url, "SEARCH_BACKEND": os.environ.get("SEARCH_BACKEND", "local"),
                "INDEX_DIR": str(base / "index"), "SEMANTIC_ENABLED": semantic,
                "QUERY_ENCODER_PRECISION": query_precision,
                "ELASTICSEARCH_URL": os.environ.get("ELASTICSEARCH_URL"),
                "ELASTICSEARCH_INDEX": f"innobridge-eval-{os.getpid()}",
                "VECTOR_CACHE": str(cache_dir / f"eval-{dataset_dir.name}.npz")}
    runtime = Runtime(settings)
    loaded = load_dataset(runtime, dataset_dir)
    for message in loaded.rejected:
        print(message, file=sys.stderr)
    rebuild_index(runtime, encode_progress=_print_encoding_progress)
    _save_vector_cache(runtime, Path(settings["VECTOR_CACHE"]))
    return runtime, loaded


def _print_encoding_progress(done: int, total: int) -> None:
    """A first run encodes every document (minutes on two cores): show that it moves."""
    print(f"encoded {done}/{total} documents", file=sys.stderr, flush=True)


def score_queries(runtime: Runtime, loaded: Any, dataset_dir: Path, config: Any = None,
                  scores_out: Path | None = None, limit_queries: int | None = None,
                  verbose: bool = False) -> dict[str, float]:
    """Rank every query with match() and compute the metrics; `config` overrides the scorer weights."""
    from matcher.services.matching import match

    meta = json.loads((dataset_dir / "dataset.json").read_text(encoding="utf-8"))
    relevant_min = float(meta.get("relevant_min", 1))
    qrels = read_qrels(dataset_dir / "qrels.tsv")
    queries = [json.loads(line) for line in (dataset_dir / "queries.jsonl").open(encoding="utf-8") if line.strip()]
    if limit_queries:
        queries = queries[:limit_queries]
    back = loaded.dataset_entity
    totals = {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0}
    latencies: list[float] = []
    out = scores_out.open("w", encoding="utf-8") if scores_out else None
    if out:
        out.write("query_id\tentity_id\tscore\n")
    judged_queries = 0
    semantic = False
    for n, q in enumerate(queries, start=1):
        text = " ".join(p for p in (q.get("title"), q.get("text")) if p)
        own_doc = loaded.document_ids.get(str(q["id"]))
        started = time.perf_counter()
        result = match(runtime, text, limit=RANK_DEPTH, exclude_document_ids=[own_doc] if own_doc else [],
                       explain_page=False, config=config)
        latencies.append((time.perf_counter() - started) * 1000)
        semantic = semantic or result.semantic
        ranked = [back[m.entity_id] for m in result.matches if m.entity_id in back]
        judged = qrels.get(str(q["id"]), {})
        if out:
            scores = {back[m.entity_id]: m.score for m in result.matches if m.entity_id in back}
            for entity in judged:
                out.write(f"{q['id']}\t{entity}\t{scores.get(entity, 0.0):.6f}\n")
        if not judged:
            continue
        judged_queries += 1
        relevant = {e for e, r in judged.items() if r >= relevant_min}
        totals["ndcg@10"] += ndcg_at(ranked, judged)
        totals["recall@10"] += recall_at(ranked, relevant)
        totals["mrr"] += reciprocal_rank(ranked, relevant)
        if verbose and n % 100 == 0:
            print(f"{n}/{len(queries)} queries, nDCG@10 so far {totals['ndcg@10'] / judged_queries:.4f}",
                  file=sys.stderr)
    if out:
        out.close()
    count = max(judged_queries, 1)
    metrics: dict[str, Any] = {k: round(v / count, 4) for k, v in totals.items()}
    metrics["queries"] = judged_queries
    metrics["p50_ms"] = round(float(np.percentile(latencies, 50)), 2) if latencies else 0.0
    metrics["p95_ms"] = round(float(np.percentile(latencies, 95)), 2) if latencies else 0.0
    metrics["semantic"] = semantic
    return metrics


def evaluate(dataset_dir: Path, scores_out: Path | None = None, work_dir: Path | None = None,
             semantic: bool = True, limit_queries: int | None = None, verbose: bool = True,
             query_precision: str = "int8") -> dict[str, Any]:
    """Load, rank and score one data set; returns the metrics."""
    with tempfile.TemporaryDirectory(prefix="innobridge-eval-") as tmp:
        t0 = time.perf_counter()
        runtime, loaded = open_eval_store(dataset_dir, work_dir or Path(tmp), semantic, query_precision)
        if verbose:
            print(f"loaded {len(loaded.entity_ids)} entities, {len(loaded.document_ids)} documents "
                  f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        try:
            return score_queries(runtime, loaded, dataset_dir, scores_out=scores_out, limit_queries=limit_queries,
                                 verbose=verbose)
        finally:
            runtime.close()


def _save_vector_cache(runtime: Runtime, path: Path) -> None:
    """Keep this set's vectors so the next evaluation run does not encode them again."""
    from matcher.ranking.vectors import save_cache
    from matcher.services.indexing import vector_store

    store = vector_store(runtime)
    if store is None or len(store) == 0:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    save_cache(path, store.fingerprint, store.hashes, np.asarray(store.matrix))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m matcher.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("dataset_dir", type=Path)
    parser.add_argument("--scores-out", type=Path, default=None, help="write query_id, entity_id, score per judged pair")
    parser.add_argument("--lexical-only", action="store_true", help="disable the sentence encoder (ablation)")
    parser.add_argument("--limit-queries", type=int, default=None)
    parser.add_argument("--query-precision", choices=QUERY_PRECISIONS, default="int8",
                        help="the query encoder's precision (documents are float32 either way)")
    args = parser.parse_args(argv)
    metrics = evaluate(args.dataset_dir, args.scores_out, semantic=not args.lexical_only,
                       limit_queries=args.limit_queries, query_precision=args.query_precision)
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
