"""Which entities are in the running for a query, and with which of their documents.

Search hits name documents and profiles; each linked entity of a wanted kind becomes a Candidate
holding its raw profile BM25 and its retrieved documents' BM25 (and later cosines). The rules that
shape a candidate live here: equipment and projects are their own single document, an excluded
document never counts, a profile holding one is `tainted`, a capability filter keeps only documents
showing a wanted capability.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from matcher.ranking.relevance import Candidate, length_discounted
from matcher.types import Hit, entity_kind

#: Kinds that are their own single document: no profile, and their document is their id.
SELF_DOCUMENT_KINDS = ("equipment", "project")


class CandidatePool:
    """Candidates gathered in retrieval order; entities excluded or of an unwanted kind never enter."""

    def __init__(self, wanted_kinds: Collection[str], excluded_entities: Collection[str]) -> None:
        self.wanted_kinds = wanted_kinds
        self.excluded = excluded_entities
        self.candidates: dict[str, Candidate] = {}

    def _new(self, entity_id: str) -> Candidate | None:
        """A candidate for an entity not yet in the running, or None when it is excluded or of an unwanted kind."""
        if entity_id in self.excluded or entity_kind(entity_id) not in self.wanted_kinds:
            return None
        known = self.candidates[entity_id] = Candidate(entity_id)
        return known

    def _linked(self, entity_ids: Iterable[str]) -> list[Candidate]:
        """The candidates of these linked entities, entering new ones (one call per hit, not a generator
        step and a method call per link: most links name an entity already in the running)."""
        known = self.candidates.get
        found = []
        for entity_id in entity_ids:
            c = known(entity_id)
            if c is None:
                c = self._new(entity_id)
            if c is not None:
                found.append(c)
        return found

    def add_profiles(self, hits: Sequence[Hit], length_power: float) -> None:
        for h in hits:
            for c in self._linked(h.entity_ids):
                c.profile = length_discounted(h, length_power)

    def add_documents(self, hits: Sequence[Hit]) -> None:
        for h in hits:
            for c in self._linked(h.entity_ids):
                c.docs[h.id] = (h.score, None)

    def add_named(self, hits: Sequence[Hit]) -> None:
        for h in hits:
            for c in self._linked(h.entity_ids):
                c.named = True

    def add_nearest(self, links: Mapping[str, Sequence[str]]) -> None:
        """Documents found by their vector alone (no BM25): doc id -> linked entity ids."""
        for doc_id, entity_ids in links.items():
            for c in self._linked(entity_ids):
                c.docs.setdefault(doc_id, (0.0, None))


def settle_documents(candidates: Mapping[str, Candidate], excluded: Collection[str]) -> set[str]:
    """Equipment and projects pool their own document only; excluded documents go. Returns the documents kept."""
    for entity_id, c in candidates.items():
        if entity_kind(entity_id) in SELF_DOCUMENT_KINDS:
            c.docs.setdefault(entity_id, (0.0, None))
            c.profile = None
        if excluded:
            for doc_id in [d for d in c.docs if d in excluded]:
                del c.docs[doc_id]
    kept: set[str] = set()
    for c in candidates.values():
        kept.update(c.docs)
    return {d for d in kept if entity_kind(d) == "document"}


def keep_documents_showing(candidates: Mapping[str, Candidate], doc_caps: Mapping[str, Mapping[str, float]],
                           wanted: Collection[str]) -> None:
    """With a capability filter, only documents showing one of the capabilities count as evidence."""
    wanted = set(wanted)
    for c in candidates.values():
        c.docs = {d: v for d, v in c.docs.items() if wanted & set(doc_caps.get(d, {}))}


def mark_tainted(candidates: Mapping[str, Candidate], excluded_links: Mapping[str, Sequence[str]]) -> None:
    """Entities whose profile holds an excluded document are judged by their other documents instead."""
    for entity_ids in excluded_links.values():
        for entity_id in entity_ids:
            if entity_id in candidates:
                candidates[entity_id].tainted = True


def attach_cosines(candidates: Mapping[str, Candidate], cosines: Mapping[str, float]) -> None:
    for c in candidates.values():
        c.docs = {d: (lex, cosines.get(d)) for d, (lex, _) in c.docs.items()}


def documents_of(candidates: Mapping[str, Candidate]) -> list[str]:
    """Every candidate document, sorted (one SQL or vector look-up for them all)."""
    return sorted({d for c in candidates.values() for d in c.docs})


def with_evidence(candidates: Mapping[str, Candidate]) -> dict[str, Candidate]:
    """Candidates left with something to judge them by: a document, a profile score or their name."""
    return {i: c for i, c in candidates.items() if c.docs or c.profile is not None or c.named}
