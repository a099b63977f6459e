"""The query vector against the stored document vectors: nearest documents, confidence, cosines."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.ranking.vectors import VectorStore


def close_in_meaning(store: VectorStore | None, qv: np.ndarray | None, min_cosine: float) -> bool:
    """Whether some document is near the query's vector although no query word occurs anywhere."""
    if qv is None or store is None or not len(store):
        return False
    return float(np.max(np.asarray(store.matrix, dtype=np.float32) @ qv)) >= min_cosine


def nearest_documents(store: VectorStore | None, qv: np.ndarray, top_k: int, brute_force_max_docs: int,
                      excluded: set[str]) -> list[str]:
    """Nearest documents by brute force while the store is small; above that, lexical candidates only."""
    if store is None or not len(store) or len(store) > brute_force_max_docs:
        return []
    sims = np.asarray(store.matrix, dtype=np.float32) @ qv
    k = min(top_k + len(excluded), len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    return [store.ids[int(i)] for i in top if store.ids[int(i)] not in excluded]


def cosines(store: VectorStore, qv: np.ndarray, doc_ids: Sequence[str]) -> dict[str, float]:
    """doc id -> cosine with the query, for the documents that have a stored vector."""
    rows, found = store.rows(doc_ids)
    present = [d for d, ok in zip(doc_ids, found) if ok]
    return dict(zip(present, (rows @ qv).tolist())) if present else {}
