"""What led to the distinctive signal: firm-discriminative scores against pooled similarity, outside match().

    .venv/bin/python benchmarks/distinctive_offline.py ../shared/data/eval/sbir-firms-masked [--svm]

Every query of the set is scored against every entity with scikit-learn TF-IDF rows (words and word pairs,
sublinear TF, English stop words) of the documents, by:
* TF-IDF top-3 pooling (the evaluator's baseline) and the entity centroid;
* a kernel ridge classifier over all documents at once: A = (K + lambda I)^-1 Y, score = k_q' A (n^2 memory);
* the same fitted per query on the 100 documents closest to it and all documents of their owners (what
  matcher.ranking.distinctive does with a search's candidate documents), which needs no corpus-wide fit;
* with --svm, a one-vs-rest linear SVM trained on the documents with their firm as label (minutes).
Prints nDCG@10 / MRR on the tune and held-out splits (matcher.evalsets), and the time each took.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.evalsets import corpus_dir, query_text, read_qrels, read_queries, split_of  # noqa: E402
from matcher.ranking.pooling import decayed_top_k  # noqa: E402


def _report(name: str, scores: np.ndarray, queries: list[dict], qrels: dict, column: dict[str, int],
            seconds: float) -> None:
    ranks: dict[str, list[int]] = {"tune": [], "heldout": []}
    for row, query in enumerate(queries):
        judged = [e for e, r in qrels.get(str(query["id"]), {}).items() if r > 0]
        if not judged:
            continue
        best = max(scores[row, column[e]] for e in judged if e in column) if any(e in column for e in judged) \
            else -np.inf
        ranks[split_of(str(query["id"]))].append(int((scores[row] > best).sum()) + 1)
    parts = []
    for split, values in ranks.items():
        r = np.array(values)
        parts.append(f"{split} {np.where(r <= 10, 1 / np.log2(r + 1), 0).mean():.4f} / {(1 / r).mean():.4f}")
    print(f"{name:48s} {'   '.join(parts)}   ({seconds:.1f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset_dir", type=Path)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--ridge", type=float, default=0.3)
    parser.add_argument("--svm", action="store_true", help="also the one-vs-rest linear SVM (minutes)")
    args = parser.parse_args()
    corpus = corpus_dir(args.dataset_dir, args.corpus)
    docs = [d for d in map(json.loads, (corpus / "documents.jsonl").open(encoding="utf-8")) if d.get("entity_ids")]
    queries = read_queries(args.dataset_dir)
    qrels = read_qrels(args.dataset_dir / "qrels.tsv")
    owners = sorted({d["entity_ids"][0] for d in docs})
    column = {e: i for i, e in enumerate(owners)}
    owner_of = np.array([column[d["entity_ids"][0]] for d in docs])
    labels = sp.csr_matrix((np.ones(len(docs)), (np.arange(len(docs)), owner_of)), shape=(len(docs), len(owners)))
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english")
    rows = vectorizer.fit_transform([f"{d.get('title') or ''}. {d.get('text') or ''}" for d in docs]).tocsr()
    asked = vectorizer.transform([query_text(q) for q in queries]).tocsr()
    print(f"{len(queries)} queries, {len(docs)} documents, {len(owners)} entities; nDCG@10 / MRR")
    closeness = (asked @ rows.T).toarray()

    started = time.perf_counter()
    top3 = np.full((len(queries), len(owners)), 0.0)
    for row in range(len(queries)):
        order = np.argsort(-closeness[row])
        seen: dict[int, list[float]] = {}
        for d in order[:300]:
            seen.setdefault(int(owner_of[d]), []).append(float(closeness[row, d]))
        for entity, values in seen.items():
            top3[row, entity] = decayed_top_k(values)
    _report("TF-IDF top-3 pooling", top3, queries, qrels, column, time.perf_counter() - started)

    started = time.perf_counter()
    centroid = normalize(labels.T @ rows)
    _report("TF-IDF entity centroid", (asked @ centroid.T).toarray(), queries, qrels, column,
            time.perf_counter() - started)

    started = time.perf_counter()
    kernel = (rows @ rows.T).toarray()
    weights = scipy.linalg.solve(kernel + args.ridge * np.eye(len(docs)), labels.toarray(), assume_a="pos")
    _report(f"kernel ridge, all documents (ridge {args.ridge})", closeness @ weights, queries, qrels, column,
            time.perf_counter() - started)

    started = time.perf_counter()
    local = np.full((len(queries), len(owners)), -1e9)
    for row in range(len(queries)):
        near = np.argpartition(-closeness[row], 100)[:100]
        entities = np.unique(owner_of[near])
        chosen = np.flatnonzero(np.isin(owner_of, entities))
        targets = (owner_of[chosen][:, None] == entities[None, :]).astype(np.float64)
        fitted = scipy.linalg.solve(kernel[np.ix_(chosen, chosen)] + args.ridge * np.eye(len(chosen)), targets,
                                    assume_a="pos")
        local[row, entities] = closeness[row, chosen] @ fitted
    _report("kernel ridge per query (100 closest + owners)", local, queries, qrels, column,
            time.perf_counter() - started)

    if args.svm:
        from sklearn.svm import LinearSVC

        started = time.perf_counter()
        svm = LinearSVC(C=2.0).fit(rows, owner_of)
        scores = np.full((len(queries), len(owners)), -1e9)
        scores[:, svm.classes_] = svm.decision_function(asked)
        _report("one-vs-rest linear SVM (C 2)", scores, queries, qrels, column, time.perf_counter() - started)


if __name__ == "__main__":
    main()
