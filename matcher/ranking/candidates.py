"""Which entities are in the running for a query, and with which of their documents.

Search hits name documents and profiles; each linked entity of a wanted kind becomes a candidate holding
its raw profile BM25 and its retrieved documents' BM25 (and later cosines), gathered straight into the
columns of a CandidateTable (matcher.ranking.relevance). The rules that shape a candidate live here:
equipment and projects are their own single document, an excluded document never counts, a profile
holding one is `tainted`, a capability filter keeps only documents showing a wanted capability.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence

import numpy as np

from matcher.ranking.relevance import CandidateTable, length_discounted
from matcher.types import Hit, entity_kind

#: Kinds that are their own single document: no profile, and their document is their id.
SELF_DOCUMENT_KINDS = ("equipment", "project")


class CandidatePool:
    """Candidates gathered in retrieval order; entities excluded or of an unwanted kind never enter.

    One entry per entity (ids, profile, named) and one row per (entity, document) in the order the entity
    met the document: a document met again keeps its row (a later BM25 replaces the earlier one, a document
    found by meaning alone keeps what was there)."""

    def __init__(self, wanted_kinds: Collection[str], excluded_entities: Collection[str]) -> None:
        self.wanted_kinds = wanted_kinds
        self.excluded = excluded_entities
        self._position: dict[str, int] = {}  # entity id -> its position in ids; -1: never a candidate
        self.ids: list[str] = []
        self.kinds: list[str] = []  # each candidate's entity kind
        self.profile: list[float] = []  # NaN: no profile hit
        self.named: list[bool] = []
        self._row: dict[tuple[int, str], int] = {}  # (position, doc id) -> row
        self.owner: list[int] = []
        self.doc_ids: list[str] = []
        self.bm25: list[float] = []

    def _enter(self, entity_id: str) -> int:
        """The position of an entity entering the running, or -1 when it is excluded or of an unwanted kind."""
        kind = entity_kind(entity_id)
        if entity_id in self.excluded or kind not in self.wanted_kinds:
            return -1
        self.ids.append(entity_id)
        self.kinds.append(kind)
        self.profile.append(math.nan)
        self.named.append(False)
        return len(self.ids) - 1

    def _linked(self, entity_ids: Iterable[str]) -> list[int]:
        """The positions of these linked entities' candidates, entering new ones."""
        known = self._position
        found = []
        for entity_id in entity_ids:
            position = known.get(entity_id)
            if position is None:
                position = known[entity_id] = self._enter(entity_id)
            if position >= 0:
                found.append(position)
        return found

    def _document(self, position: int, doc_id: str, bm25: float | None) -> None:
        """Row (position, doc_id) with this BM25 (None: keep the row's, 0.0 for a new one)."""
        key = (position, doc_id)
        row = self._row.get(key)
        if row is None:
            self._row[key] = len(self.owner)
            self.owner.append(position)
            self.doc_ids.append(doc_id)
            self.bm25.append(0.0 if bm25 is None else bm25)
        elif bm25 is not None:
            self.bm25[row] = bm25

    def add_profiles(self, hits: Sequence[Hit], length_power: float) -> None:
        profile = self.profile
        for h in hits:
            for position in self._linked(h.entity_ids):
                profile[position] = length_discounted(h, length_power)

    def add_documents(self, hits: Sequence[Hit]) -> None:
        """Rows of the documents found by their words (one loop, no call per link: ~300 links a search)."""
        known, rows, owner, doc_ids, bm25 = self._position, self._row, self.owner, self.doc_ids, self.bm25
        for h in hits:
            doc_id, score = h.id, h.score
            for entity_id in h.entity_ids:
                position = known.get(entity_id)
                if position is None:
                    position = known[entity_id] = self._enter(entity_id)
                if position < 0:
                    continue
                key = (position, doc_id)
                row = rows.get(key)
                if row is None:
                    rows[key] = len(owner)
                    owner.append(position)
                    doc_ids.append(doc_id)
                    bm25.append(score)
                else:
                    bm25[row] = score

    def add_named(self, hits: Sequence[Hit]) -> None:
        named = self.named
        for h in hits:
            for position in self._linked(h.entity_ids):
                named[position] = True

    def add_nearest(self, links: Mapping[str, Sequence[str]]) -> None:
        """Documents found by their vector alone (no BM25): doc id -> linked entity ids."""
        for doc_id, entity_ids in links.items():
            for position in self._linked(entity_ids):
                self._document(position, doc_id, None)

    def settled(self, excluded: Collection[str]) -> CandidateTable:
        """The candidates as a table: equipment and projects pool their own document only (no profile);
        excluded documents go."""
        profile = self.profile
        for position, (entity_id, kind) in enumerate(zip(self.ids, self.kinds)):
            if kind in SELF_DOCUMENT_KINDS:
                self._document(position, entity_id, None)
                profile[position] = math.nan
        table = CandidateTable(self.ids, np.array(profile, dtype=np.float64), np.array(self.named, dtype=bool),
                               np.zeros(len(self.ids), dtype=bool), np.array(self.owner, dtype=np.intp),
                               self.doc_ids, np.array(self.bm25, dtype=np.float64),
                               np.full(len(self.owner), math.nan, dtype=np.float64))
        if excluded and any(d in excluded for d in self.doc_ids):
            table = table.keep_rows(np.array([d not in excluded for d in self.doc_ids], dtype=bool))
        return table


def counted_documents(table: CandidateTable) -> set[str]:
    """The table's documents proper (not equipment or projects): those whose years pooling reads."""
    return {d for d in set(table.doc_ids) if entity_kind(d) == "document"}


def keep_documents_showing(table: CandidateTable, doc_caps: Mapping[str, Mapping[str, float]],
                           wanted: Collection[str]) -> CandidateTable:
    """With a capability filter, only documents showing one of the capabilities count as evidence."""
    wanted = set(wanted)
    return table.keep_rows(np.array([bool(wanted & set(doc_caps.get(d, {}))) for d in table.doc_ids], dtype=bool))


def mark_tainted(table: CandidateTable, excluded_links: Mapping[str, Sequence[str]]) -> None:
    """Entities whose profile holds an excluded document are judged by their other documents instead."""
    position = {entity_id: p for p, entity_id in enumerate(table.ids)}
    for entity_ids in excluded_links.values():
        for entity_id in entity_ids:
            if entity_id in position:
                table.tainted[position[entity_id]] = True
