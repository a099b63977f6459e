"""Each document's TF-IDF vector (words and word pairs, hashed), stored when the index is rebuilt.

The distinctive signal (matcher.ranking.distinctive) compares a problem with its candidate documents and
those documents with each other; the search engine gives neither, so `flask index rebuild` keeps every
document's vector here: scikit-learn's HashingVectorizer (2**20 buckets, so no vocabulary to keep in step
with the corpus), sublinear term frequency times the corpus's IDF, unit length. A document imported
after the last rebuild is vectorised when a search meets it (on the stored IDF) until the next one.

Layout (JSON + .npy, no pickle): ``manifest.json`` {version, fingerprint, ids, files}; ``idf-*.npy`` and
the rows as CSR arrays ``indptr-*.npy``, ``indices-*.npy``, ``data-*.npy``, memory-mapped.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from matcher.ranking.vectors import ManifestStore

FORMAT_VERSION = 1
STORE_DIR = "terms"
RELOAD_EVERY = 2.0  # seconds between looks whether a rebuild replaced the files
BUCKETS = 2 ** 20
#: Documents vectorised per batch at a rebuild (bounded memory on a large corpus).
BATCH = 20_000
_FILES = ("idf", "indptr", "indices", "data")


def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(n_features=BUCKETS, ngram_range=(1, 2), alternate_sign=False, norm=None,
                             stop_words="english", dtype=np.float32)


FINGERPRINT = f"hashing/{BUCKETS}/1-2/english-stop/sublinear"


def document_text(title: str | None, text: str | None) -> str:
    """What a document's row is made of, at a rebuild and for one imported since: its title, then its text."""
    return f"{title or ''}\n{text or ''}"


def _weighted(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF x IDF, each row of unit length (an empty row stays empty)."""
    counts = counts.tocsr().astype(np.float32)
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    counts.eliminate_zeros()
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1), dtype=np.float64)).ravel()
    norms[norms == 0.0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ counts)


class TermVectors(ManifestStore):
    """doc id -> its unit TF-IDF row; the problem's row on the same scale.

    `_data` is (doc id -> row, IDF, rows), replaced as one: a search thread never pairs one rebuild's ids with
    another's rows. Another layout reads as no store: no signal until a rebuild."""

    format_version = FORMAT_VERSION

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self._vectorizer = _vectorizer()
        super().__init__(directory, FINGERPRINT, RELOAD_EVERY)

    def _empty(self) -> tuple[dict[str, int], np.ndarray, sp.csr_matrix]:
        return {}, np.zeros(0, np.float32), sp.csr_matrix((0, BUCKETS), dtype=np.float32)

    def _read(self, manifest: dict[str, Any]) -> tuple[dict[str, int], np.ndarray, sp.csr_matrix]:
        arrays = {name: np.load(self.directory / manifest["files"][name], mmap_mode="r") for name in _FILES}
        ids = list(manifest["ids"])
        matrix = sp.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=(len(ids), BUCKETS))
        return {doc_id: row for row, doc_id in enumerate(ids)}, np.asarray(arrays["idf"]), matrix

    def rows(self, doc_ids: Sequence[str]) -> tuple[sp.csr_matrix, list[str]]:
        """The stored rows of these documents, in their order, and which ones those are (the rest: none)."""
        self.reload()
        row, _, matrix = self._data
        known = [d for d in doc_ids if d in row]
        return matrix[[row[d] for d in known]], known

    def rows_of_texts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows for texts the last rebuild did not see (documents imported since), on its IDF."""
        self.reload()
        return _weighted(self._vectorizer.transform(list(texts)), self._data[1])

    def query(self, text: str) -> sp.csr_matrix | None:
        """The text's unit row on the corpus's IDF; None without a store or when no word of it is known."""
        self.reload()
        row, idf, _ = self._data
        if not row:
            return None
        vector = _weighted(self._vectorizer.transform([text]), idf)
        return vector if vector.nnz else None

    def write(self, items: Iterable[tuple[str, str]]) -> int:
        """Replace the store with the vectors of these (doc id, text) pairs (a rebuild); returns how many."""
        ids: list[str] = []
        chunks: list[sp.csr_matrix] = []
        batch_ids: list[str] = []
        batch_texts: list[str] = []
        df = np.zeros(BUCKETS, np.int64)

        def flush() -> None:
            counts = self._vectorizer.transform(batch_texts).tocsr()
            df[:] += np.bincount(counts.indices, minlength=BUCKETS)
            chunks.append(counts)
            ids.extend(batch_ids)
            batch_ids.clear()
            batch_texts.clear()

        for doc_id, text in items:
            batch_ids.append(doc_id)
            batch_texts.append(text)
            if len(batch_ids) >= BATCH:
                flush()
        if batch_ids:
            flush()
        idf = (np.log((1 + len(ids)) / (1 + df)) + 1.0).astype(np.float32)  # scikit-learn's smoothed IDF
        idf[df == 0] = 0.0  # a word no document holds adds nothing to a problem's row (nor to its length)
        matrix = _weighted(sp.vstack(chunks).tocsr(), idf) if chunks else sp.csr_matrix((0, BUCKETS), dtype=np.float32)
        with self._lock:
            self._save(ids, idf, matrix)
            self.reload(force=True)
        return len(ids)

    def _save(self, ids: list[str], idf: np.ndarray, matrix: sp.csr_matrix) -> None:
        self._publish_arrays({"idf": idf, "indptr": matrix.indptr.astype(np.int64),
                              "indices": matrix.indices.astype(np.int32), "data": matrix.data.astype(np.float32)},
                             {"ids": ids})
