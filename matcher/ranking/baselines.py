"""Plain TF-IDF and BM25 rankers over an evaluation set, so every figure of the ranking has a baseline beside it.

They read the data set's documents directly (no store, no index) and rank its entities by their documents'
similarity to the query, pooled either as the best document (max) or best + 1/2 second + 1/3 third (top-3),
the two poolings RANKING_NOTES measured. A query's own document never counts (EVAL_FORMAT).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

BASELINES = ("tfidf", "bm25")
POOLINGS = {"max": (1.0,), "top3": (1.0, 0.5, 1 / 3)}


@dataclass
class BaselineRanker:
    """Document-term matrix of one set plus the document -> entities map, to rank entities for a query."""

    kind: str
    vectorizer: CountVectorizer
    matrix: sparse.csr_matrix  # documents x terms, rows L2-normalised (tfidf) or BM25-weighted (bm25)
    doc_ids: list[str]
    doc_entities: list[list[int]]  # per document row, the entity positions it describes
    entity_ids: list[str]

    def rank(self, query: str, exclude_doc: str | None = None, pooling: str = "max", depth: int = 100) -> list[str]:
        """Entity ids best first by the pooled similarity of their documents (ties by id)."""
        q = self.vectorizer.transform([query])
        if self.kind == "bm25":
            q.data[:] = 1.0  # each query term counted once
        scores = np.asarray((self.matrix @ q.T).todense()).ravel()
        decay = POOLINGS[pooling]
        per_entity: dict[int, list[float]] = {}
        for row in np.flatnonzero(scores > 0):
            if exclude_doc is not None and self.doc_ids[row] == exclude_doc:
                continue
            for e in self.doc_entities[row]:
                per_entity.setdefault(e, []).append(float(scores[row]))
        pooled = {e: sum(w * s for w, s in zip(decay, sorted(v, reverse=True))) for e, v in per_entity.items()}
        order = sorted(pooled, key=lambda e: (-pooled[e], self.entity_ids[e]))
        return [self.entity_ids[e] for e in order[:depth]]


def build(kind: str, documents: Sequence[Mapping[str, object]], entity_ids: Sequence[str]) -> BaselineRanker:
    """Fit the baseline's vocabulary and weights on the set's documents (title + text)."""
    if kind not in BASELINES:
        raise ValueError(f"baseline: expected one of {BASELINES}, got {kind!r}")
    position = {e: i for i, e in enumerate(entity_ids)}
    texts = [f"{d.get('title') or ''} {d.get('text') or ''}" for d in documents]
    links = [[position[e] for e in d.get("entity_ids") or () if e in position] for d in documents]  # type: ignore[union-attr]
    if kind == "tfidf":  # RANKING_NOTES: 1-2 grams, sublinear TF, cosine
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", dtype=np.float32)
        matrix = vec.fit_transform(texts).tocsr()
    else:
        vec = CountVectorizer(stop_words="english", dtype=np.float32)
        matrix = _bm25_weights(vec.fit_transform(texts).tocsr())
    return BaselineRanker(kind, vec, matrix, [str(d["id"]) for d in documents], links, list(entity_ids))


def _bm25_weights(counts: sparse.csr_matrix, k1: float = 1.2, b: float = 0.75) -> sparse.csr_matrix:
    """Okapi BM25 term weights per document (Lucene's IDF, always positive), so a query is a sum over its terms."""
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1e-9))
    out = counts.copy()
    row_norm = np.repeat(norm, np.diff(out.indptr))
    out.data = idf[out.indices] * out.data * (k1 + 1) / (out.data + row_norm)
    return out
