"""Any backend as two indexes: entity profiles in one, every other document in the other.

Why two: BM25 normalises a text's length against the average length in its index and weighs a term
by how few texts hold it. In one shared index those statistics come mostly from single documents, so
a profile (an entity's whole body of work) is judged against the wrong average; with profiles in an
index of their own, profile BM25 compares bodies of work with bodies of work (measured on the local
backend: better ranking).

The routing lives here once, for every engine: ``SplitLocalBackend`` puts two tantivy indexes behind
it and the Elasticsearch registry entry two aliases. Writes are routed by kind (profiles carry
ENTITY_PROFILE_KIND and ids made by ``profile_id``); searches go to the side that can hold the kinds
asked for, or to both, merged by score.
"""
from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from ..types import ENTITY_PROFILE_KIND, Filter, Hit, SearchDocument, profile_id
from .base import DEFAULT_FILTER, SearchBackend, fill

_PROFILE_ID_PREFIX = profile_id("")


B = TypeVar("B", bound=SearchBackend)


class SplitBackend(Generic[B]):
    """SearchBackend over a documents backend and a profiles backend of the same engine."""

    def __init__(self, documents: B, profiles: B) -> None:
        self.documents = documents
        self.profiles = profiles
        self.name: str = documents.name
        self.uses_query_vector: bool = documents.uses_query_vector

    def _sides(self, filters: Filter | None) -> list[B]:
        """The backends that can hold documents passing ``filters`` (by its kinds)."""
        kinds = (filters or DEFAULT_FILTER).kinds
        if kinds is None:
            return [self.documents, self.profiles]
        sides = []
        if any(k != ENTITY_PROFILE_KIND for k in kinds):
            sides.append(self.documents)
        if ENTITY_PROFILE_KIND in kinds:
            sides.append(self.profiles)
        return sides

    @staticmethod
    def _merge(results: list[list[Hit]], top_k: int) -> list[Hit]:
        if len(results) == 1:
            return results[0]
        return heapq.nsmallest(top_k, (h for hits in results for h in hits), key=lambda h: (-h.score, h.id))

    def upsert(self, docs: Sequence[SearchDocument]) -> None:
        profiles = [d for d in docs if d.kind == ENTITY_PROFILE_KIND]
        others = [d for d in docs if d.kind != ENTITY_PROFILE_KIND]
        self.documents.upsert(others)
        self.profiles.upsert(profiles)

    def delete(self, ids: Sequence[str]) -> None:
        self.documents.delete([i for i in ids if not i.startswith(_PROFILE_ID_PREFIX)])
        self.profiles.delete([i for i in ids if i.startswith(_PROFILE_ID_PREFIX)])

    def search(self, query: str, filters: Filter | None = None, top_k: int = 100,
               vector: Sequence[float] | None = None) -> list[Hit]:
        """BM25 in each side that can hold the kinds asked for; both merged by score when both can.

        ``vector`` goes to the documents side only: profiles are scored lexically and carry no
        vectors, so a kNN clause there could only cost time.
        """
        return self._merge([side.search(query, filters, top_k, vector if side is self.documents else None)
                            for side in self._sides(filters)], top_k)

    def prefill_fields(self) -> int:
        """Each side's prefill_fields, where its engine has one (the local backend): how many are kept."""
        return sum(prefill() for side in (self.documents, self.profiles)
                   if (prefill := getattr(side, "prefill_fields", None)) is not None)

    def name_matches(self, phrases: Sequence[str], filters: Filter | None = None, top_k: int = 100) -> list[Hit]:
        return self._merge([side.name_matches(phrases, filters, top_k) for side in self._sides(filters)], top_k)

    def count(self, filters: Filter | None = None) -> int:
        return sum(side.count(filters) for side in self._sides(filters))

    def present_ids(self, ids: Sequence[str]) -> set[str]:
        """The ids the index holds, each asked of its side."""
        profiles = [i for i in ids if i.startswith(_PROFILE_ID_PREFIX)]
        others = [i for i in ids if not i.startswith(_PROFILE_ID_PREFIX)]
        return self.documents.present_ids(others) | self.profiles.present_ids(profiles)

    def all_ids(self) -> set[str]:
        return self.documents.all_ids() | self.profiles.all_ids()

    def health(self) -> dict[str, Any]:
        return self._merge_health(self.documents.health(), self.profiles.health())

    @staticmethod
    def _merge_health(documents: dict[str, Any], profiles: dict[str, Any]) -> dict[str, Any]:
        """The documents side's report, with the profiles side's own report under "profiles"."""
        return {**documents, "profiles": profiles}

    def clear(self) -> None:
        self.documents.clear()
        self.profiles.clear()

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Both sides from one pass over ``docs``, each replaced when its context exits cleanly.

        Each side switches atomically on its own, the profiles side (the inner context) first: an
        exception during the pass keeps both sides' old content, but a failure while the documents
        side commits, after the profiles side switched, leaves new profiles beside old documents.
        """
        return fill(self.rebuilding(), docs)

    @contextmanager
    def rebuilding(self) -> Iterator[Callable[[SearchDocument], None]]:
        """Both sides' ``rebuilding`` at once, each document routed to its side (see ``rebuild``)."""
        with self.documents.rebuilding() as add_document, self.profiles.rebuilding() as add_profile:
            yield lambda doc: (add_profile if doc.kind == ENTITY_PROFILE_KIND else add_document)(doc)

    def drop(self) -> None:
        """Delete both sides' indexes (tests, decommissioning)."""
        self.documents.drop()
        self.profiles.drop()

    def close(self) -> None:
        self.documents.close()
        self.profiles.close()
