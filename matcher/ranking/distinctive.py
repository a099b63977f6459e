"""How distinctively a candidate's documents answer the problem: a kernel ridge fitted per query.

Pooling each candidate's document similarities (best + 1/2 + 1/3) rewards an entity for documents like the
problem even when other entities' documents are just as like it. Here the query's candidate documents
(TF-IDF rows, matcher.ranking.term_vectors) are the training set of a small regression from a document to
its owners, solved in closed form: A = (K + lambda I)^-1 Y, with K their pairwise cosines and Y which
candidate owns each. A candidate's score is the problem's cosines with those documents times its column
of A: similarity to its own documents counts, similarity to documents that resemble them but belong to
others counts against it, and near-copies (a Phase I and its Phase II) are not counted twice.

Measured before it was built (offline, sbir-firms-masked, tune / held-out queries): this score alone
ranks the winning firm with nDCG@10 0.617 / 0.631, against 0.574 / 0.600 for the TF-IDF centroid and
0.583 / 0.592 for TF-IDF top-3 pooling; fitted on all documents at once instead of each query's ~400 it
gave the same (0.616 / 0.633), at ~7 s of setup and n^2 memory instead of ~4 ms a query.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from matcher.ranking.term_vectors import TermVectors

#: Ridge strength (offline, all documents at once, tune nDCG@10): 0.1 0.615, 0.3 0.616, 1.0 0.609, 3.0 0.593.
RIDGE = 0.3
#: At most this many of the candidates' documents, the closest to the problem, are fitted (a search on
#: sbir-firms-masked brings 155-193, 5th-95th percentile): the factorisation grows with the cube of their number.
MAX_DOCUMENTS = 200
_BLAS = ThreadpoolController()  # made once: finding the loaded BLAS libraries costs milliseconds


def distinctive_scores(query: sp.csr_matrix, documents: sp.csr_matrix, owners: sp.csr_matrix,
                       ridge: float = RIDGE) -> np.ndarray:
    """Per owner (columns of `owners`, documents x owners, 1 where a document is that owner's) its score.

    `query` is the problem's unit row, `documents` the candidate documents' unit rows (same columns).
    """
    size = documents.shape[0]
    if size == 0 or query is None:
        return np.zeros(owners.shape[1], dtype=np.float64)
    documents, query_values = _compact(documents, query)
    kernel = (documents @ documents.T).toarray().astype(np.float64)
    kernel[np.diag_indices(size)] += ridge
    similarity = np.asarray(documents @ query_values, dtype=np.float64).ravel()
    # k' (K + lambda I)^-1 Y = ((K + lambda I)^-1 k)' Y, K being symmetric: one right-hand side, not one per owner
    with _BLAS.limit(limits=1, user_api="blas"):  # tiny: threads cost more than they save, and a search is threaded
        factor = scipy.linalg.cho_factor(kernel, check_finite=False)
        weights = scipy.linalg.cho_solve(factor, similarity, check_finite=False)
    return np.asarray(owners.T @ weights, dtype=np.float64).ravel()


def _compact(documents: sp.csr_matrix, query: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """The documents on the columns they use only, and the query's values there: transposing 2**20 hashed
    columns cost more than the rest of the fit (~1.4 ms a transpose)."""
    mark = np.zeros(documents.shape[1], dtype=bool)  # one pass over the columns beats sorting ~60k indices
    mark[documents.indices] = True
    used = np.flatnonzero(mark)
    lookup = np.empty(documents.shape[1], dtype=np.int32)
    lookup[used] = np.arange(len(used), dtype=np.int32)
    rows = sp.csr_matrix((documents.data, lookup[documents.indices], documents.indptr),
                         shape=(documents.shape[0], len(used)))
    values = np.zeros(len(used), dtype=np.float64)
    at = np.minimum(np.searchsorted(used, query.indices), max(len(used) - 1, 0))
    hit = used[at] == query.indices if len(used) else np.zeros(len(query.indices), dtype=bool)
    values[at[hit]] = query.data[hit]
    return rows, values


def candidate_signal(query: sp.csr_matrix, terms: TermVectors, doc_ids: Sequence[str], owner: np.ndarray,
                     size: int, max_documents: int = MAX_DOCUMENTS,
                     texts_of: Callable[[Sequence[str]], Mapping[str, str]] | None = None,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The distinctive score of each of `size` candidates from its (candidate, document) rows (`doc_ids`,
    `owner`: the candidate's position), and whether it has one (a document with a row).

    A document without a stored row (imported since the last rebuild) gets one from its text (`texts_of`:
    doc id -> text), so a fresh import ranks as it will after the next rebuild, give or take the IDF.

    Fitted on the table's documents only: adding the owners' other documents (one SQL query) measured
    no better through match() (tune, fused: nDCG@10 0.630 against 0.632).
    """
    unique = sorted(set(doc_ids))
    documents, known = terms.rows(unique)
    if texts_of is not None and len(known) < len(unique):
        stored = set(known)
        texts = texts_of([d for d in unique if d not in stored])
        if texts:
            documents = sp.vstack([documents, terms.rows_of_texts(list(texts.values()))], format="csr")
            known = [*known, *texts]
    if len(known) > max_documents:  # the closest to the problem: the rest change little and cost n^3
        closeness = np.asarray((documents @ query.T).todense()).ravel()
        keep = np.sort(np.argsort(-closeness, kind="stable")[:max_documents])
        documents, known = documents[keep], [known[i] for i in keep.tolist()]
    position = {doc_id: row for row, doc_id in enumerate(known)}
    rows = np.fromiter((position.get(d, -1) for d in doc_ids), dtype=np.int64, count=len(doc_ids))
    kept = rows >= 0
    present = np.zeros(size, dtype=bool)
    present[owner[kept]] = True
    owners = sp.csr_matrix((np.ones(int(kept.sum())), (rows[kept], owner[kept])), shape=(len(known), size))
    owners.data[:] = 1.0  # a document met twice by one candidate is still one of its documents
    return distinctive_scores(query, documents, owners), present
