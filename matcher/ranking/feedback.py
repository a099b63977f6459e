"""Pseudo-relevance feedback in meaning (Rocchio on sentence vectors) for problem texts of few words.

A nine-word title gives MiniLM little to go on; the documents it retrieves best say more about what it
means. The query vector is moved towards the mean vector of the best few retrieved documents and the
candidates' documents are compared with it again, as one more relevance signal ("feedback"), weighed
against the others by the learned weights (issue 12: short texts lean on meaning).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from matcher.ranking.semantic import cosines
from matcher.ranking.vectors import VectorStore


def feedback_vector(store: VectorStore, qv: np.ndarray, ranked_docs: Sequence[str], docs: int,
                    beta: float) -> np.ndarray | None:
    """qv + beta x the mean vector of the first `docs` of `ranked_docs` (those with a vector), as a unit vector."""
    if docs <= 0 or not ranked_docs:
        return None
    rows, found = store.rows(list(ranked_docs[:docs]))
    rows = np.asarray(rows, dtype=np.float32)
    if not len(rows):
        return None
    moved = np.asarray(qv, dtype=np.float32) + beta * rows.mean(axis=0)
    norm = float(np.linalg.norm(moved))
    return moved / norm if norm > 0 else None


def by_cosine(doc_cosines: Mapping[str, float]) -> list[str]:
    """Documents by their cosine with the query, best first (ties by id, so a rebuild answers the same)."""
    return sorted(doc_cosines, key=lambda d: (-doc_cosines[d], d))


def feedback_cosines(store: VectorStore | None, qv: np.ndarray | None, doc_cosines: Mapping[str, float],
                     docs: int, beta: float) -> dict[str, float]:
    """doc id -> cosine with the feedback vector, for the documents of `doc_cosines`; {} when off."""
    if store is None or qv is None or not doc_cosines:
        return {}
    moved = feedback_vector(store, qv, by_cosine(doc_cosines), docs, beta)
    return cosines(store, moved, sorted(doc_cosines)) if moved is not None else {}
