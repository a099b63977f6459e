"""The query vector against the stored document vectors: nearest documents, confidence, cosines."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class DocumentVectors(Protocol):
    """What the query is compared with: a VectorStore, or two read as one (matcher.ranking.fused_vectors)."""

    @property
    def ids(self) -> list[str]: ...

    def __len__(self) -> int: ...

    def similarities(self, qv: np.ndarray) -> np.ndarray: ...

    def rows(self, doc_ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]: ...


def close_in_meaning(store: DocumentVectors | None, qv: np.ndarray | None, min_cosine: float) -> bool:
    """Whether some document is near the query's vector although no query word occurs anywhere."""
    if qv is None or store is None or not len(store):
        return False
    return float(np.max(store.similarities(qv))) >= min_cosine


def nearest_documents(store: DocumentVectors | None, qv: np.ndarray, top_k: int, brute_force_max_docs: int,
                      excluded: set[str]) -> list[str]:
    """Nearest documents by brute force while the store is small; above that, lexical candidates only."""
    if store is None or not len(store) or len(store) > brute_force_max_docs:
        return []
    sims = store.similarities(qv)
    k = min(top_k + len(excluded), len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    ids = store.ids
    found = [ids[i] for i in top.tolist()]
    return [d for d in found if d not in excluded] if excluded else found


def cosines(store: DocumentVectors, qv: np.ndarray, doc_ids: Sequence[str]) -> dict[str, float]:
    """doc id -> cosine with the query, for the documents that have a stored vector."""
    rows, found = store.rows(doc_ids)
    present = [d for d, ok in zip(doc_ids, found) if ok]
    return dict(zip(present, (rows @ qv).tolist())) if present else {}


def row_cosines(store: DocumentVectors | None, qv: np.ndarray | None, doc_ids: Sequence[str]) -> np.ndarray:
    """cosines() as one float64 value per entry of `doc_ids` (repeats allowed), NaN where there is none."""
    if store is None or qv is None:
        return np.full(len(doc_ids), math.nan)
    by_doc = cosines(store, qv, sorted(set(doc_ids)))
    return np.array([by_doc.get(d, math.nan) for d in doc_ids], dtype=np.float64)
