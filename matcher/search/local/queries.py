"""Tantivy queries built from analysed terms and filters, and the top hits they find, ties decided by id.

Built programmatically (term, term-set and range queries), never parsed from user text. Split from
backend.py, which owns the index's life (opening, reloading, writing); these functions only read.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tantivy

from ...types import Filter, Hit
from ..base import FILTER_FIELDS
from .schema import SHINGLE_FIELD

TITLE_BOOST = 1.0
SHINGLE_BOOST = 1.0
#: Tantivy pre-allocates its top-k heap; this keeps a silly top_k from exhausting memory.
MAX_TOP_K = 10_000
#: Extra hits fetched so that equal scores at the cut are decided by id, not by where a document sits
#: in the index (which a rebuild changes): follow-on awards and repeated equipment lines tie exactly.
#: sbir-firms nDCG@10 moved by up to 0.0004 between two builds of the same data before.
TIE_MARGIN = 10
#: Up to this many values an "any of" filter is a union of term queries, which the search skips through
#: with the text query. A term set query first collects every matching document into a bit set: for the
#: dense kind / entity_kinds / visibility filters that cost ~40% of a match's two searches.
MAX_TERM_FILTER_VALUES = 16
#: Up to this many phrases a text's name look-up (LocalBackend.name_matches) is a union of term queries: a
#: term set walks the names' dictionary, 0.19-0.20 ms on the demo's profiles for 16-32 phrases against 0.05
#: for the union, which stays ahead up to the 3,000 phrases measured (6.95 against 6.92 ms).
MAX_NAME_TERMS = 4096
#: Hits' stored fields kept per searcher (~535 bytes each on the demo: at most ~16 MB per index, documents
#: and profiles each): reading them was ~135 `doc()` calls a search. The demo's 6,758 documents all fit.
MAX_KEPT_FIELDS = 30_000

#: What a hit reads from its stored document: id, kind, entity ids, length, year.
StoredFields = tuple[str, str, tuple[str, ...], int, Any]


class Snapshot:
    """One searcher, and which filters every one of its live documents passes.

    Such a filter (visibility "public" while nothing is private, all entity kinds wanted) changes no
    result but costs its postings in every search: ~15% of a document search at 1M documents. Whether
    it passes everything is counted once per searcher, and kept with that searcher, so a commit can
    never make a dropped filter wrong.
    """

    def __init__(self, searcher: tantivy.Searcher, max_kept_fields: int = MAX_KEPT_FIELDS) -> None:
        self.searcher = searcher
        self._passes_all: dict[tuple[str, tuple[str, ...]], bool] = {}
        self._fields: dict[tuple[int, int], StoredFields] = {}
        self._max_kept_fields = max_kept_fields

    def fields(self, address: Any) -> StoredFields:
        """A hit's stored fields, read once per searcher: its documents never change (a commit makes a new
        searcher and a new Snapshot), and the same documents come back for many queries."""
        key = (address.segment_ord, address.doc)
        known = self._fields.get(key)
        if known is None:
            stored = self.searcher.doc(address)
            known = (stored.get_first("id"), stored.get_first("kind") or "", tuple(stored.get_all("entity_ids")),
                     int(stored.get_first("length") or 0), stored.get_first("year"))
            if len(self._fields) < self._max_kept_fields:
                self._fields[key] = known
        return known

    def prefill(self) -> int:
        """Read every live document's stored fields now, when they all fit (max_kept_fields): a worker's
        warm-up, so its first searches do not read them hit by hit (~70 reads, ~0.3 ms of a cold demo search
        in a fresh worker). Returns how many are kept (0: too many to keep them all, left to the searches)."""
        total = int(self.searcher.num_docs)
        if not total or total > self._max_kept_fields:
            return 0
        for _score, address in self.searcher.search(tantivy.Query.all_query(), total, count=False).hits:
            self.fields(address)
        return len(self._fields)

    def passes_all(self, key: tuple[str, tuple[str, ...]], query: tantivy.Query) -> bool:
        known = self._passes_all.get(key)
        if known is None:
            known = self.searcher.search(query, 1, count=True).count == self.searcher.num_docs
            self._passes_all[key] = known
        return known


def text_query(schema: tantivy.Schema, terms: Sequence[str], pairs: Sequence[str] = ()) -> tantivy.Query:
    """OR of each distinct term (title boosted, text) and each distinct bigram: a term counts once."""
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for term in terms:
        title = tantivy.Query.term_query(schema, "title", term, index_option="freq")
        clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(title, TITLE_BOOST)))
        clauses.append((tantivy.Occur.Should, tantivy.Query.term_query(schema, "text", term, index_option="freq")))
    for pair in pairs:
        shingle = tantivy.Query.term_query(schema, SHINGLE_FIELD, pair, index_option="freq")
        clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(shingle, SHINGLE_BOOST)))
    return tantivy.Query.boolean_query(clauses)


def filter_clauses(schema: tantivy.Schema, filters: Filter,
                   snapshot: Snapshot | None = None) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """Filter -> non-scoring Must / MustNot clauses (an empty tuple matches nothing).

    With ``snapshot``, "any of" filters that all its documents pass are left out (same results).
    """
    musts: list[tantivy.Query] = []
    for attr, field in FILTER_FIELDS:
        values = getattr(filters, attr)
        if values is not None:
            query = any_of(schema, field, values)
            if snapshot is None or not snapshot.passes_all((field, tuple(values)), query):
                musts.append(query)
    if filters.year_min is not None or filters.year_max is not None:
        musts.append(
            tantivy.Query.range_query(schema, "year", tantivy.FieldType.Integer, filters.year_min, filters.year_max)
        )
    clauses = [(tantivy.Occur.Must, tantivy.Query.const_score_query(q, 0.0)) for q in musts]
    if filters.exclude_ids:
        excluded = tantivy.Query.term_set_query(schema, "id", list(filters.exclude_ids))
        clauses.append((tantivy.Occur.MustNot, excluded))
    return clauses


def any_of(schema: tantivy.Schema, field: str, values: Sequence[str],
           max_terms: int = MAX_TERM_FILTER_VALUES) -> tantivy.Query:
    """Documents with one of ``values`` in ``field``: term queries when at most ``max_terms``, else a term set
    (same matches)."""
    distinct = list(dict.fromkeys(values))
    if not distinct or len(distinct) > max_terms:
        return tantivy.Query.term_set_query(schema, field, distinct)
    terms = [tantivy.Query.term_query(schema, field, v, index_option="basic") for v in distinct]
    return terms[0] if len(terms) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Should, t) for t in terms])


def top_hits(snapshot: Snapshot, query: tantivy.Query, top_k: int) -> list[Hit]:
    """The best ``top_k`` hits, equal scores ordered by id: a rebuilt index answers the same.

    Fetches a few more than asked; while the last fetched still ties with the last one wanted, the
    tie may go on, so it fetches four times as many. Ties are not rare (repeated award texts, and
    tantivy's quantised field lengths): 29 of 150 searches at 1M needed the second fetch.
    """
    searcher = snapshot.searcher
    wanted = min(top_k, MAX_TOP_K)
    fetch = min(wanted + max(TIE_MARGIN, wanted // 10), MAX_TOP_K)
    while True:
        pairs = searcher.search(query, fetch, count=False).hits
        if len(pairs) < fetch or fetch == MAX_TOP_K or pairs[-1][0] < pairs[wanted - 1][0]:
            break
        fetch = min(fetch * 4, MAX_TOP_K)
    # Stored fields are read only for hits that can make the cut: the extra fetch is for ties.
    cut = pairs[wanted - 1][0] if len(pairs) >= wanted else float("-inf")
    hits = [_hit(snapshot.fields(address), score) for score, address in pairs if score >= cut]
    hits.sort(key=lambda h: (-h.score, h.id))
    return hits[:wanted]


def rarest_terms(searcher: tantivy.Searcher, terms: list[str], keep: int) -> list[str]:
    """The ``keep`` terms held by the fewest documents (ties: first written), in the text's order."""
    freq = {t: searcher.doc_freq("text", t) for t in terms}
    ranked = sorted(range(len(terms)), key=lambda i: (freq[terms[i]] == 0, freq[terms[i]], i))
    return [terms[i] for i in sorted(ranked[:keep])]


def _hit(fields: StoredFields, score: float) -> Hit:
    doc_id, kind, entity_ids, length, year = fields
    return Hit.of(doc_id, float(score), kind, entity_ids, length, year)
