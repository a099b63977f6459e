"""The one interface every search backend implements, so services never depend on an engine.

Backends do retrieval only (lexical BM25, plus kNN where the engine has it); ranking and
explanations live in ``matcher.ranking``. SQL stays the source of truth: ``rebuild`` refills
an index from it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

from ..types import Filter, Hit, SearchDocument

#: What ``search`` applies when the caller passes no filter: public documents only, so a
#: forgotten filter can never leak private records.
DEFAULT_FILTER = Filter()

#: Exact-match (untokenised) fields every backend indexes for filtering.
KEYWORD_FIELDS: tuple[str, ...] = (
    "kind", "entity_ids", "entity_kinds", "capabilities", "region", "country", "status", "visibility", "names",
)
#: Filter attribute -> index field of the "any of" filters; every backend translates these the same way.
FILTER_FIELDS: tuple[tuple[str, str], ...] = (
    ("kinds", "kind"),
    ("entity_kinds", "entity_kinds"),
    ("entity_ids", "entity_ids"),
    ("regions", "region"),
    ("countries", "country"),
    ("capabilities", "capabilities"),
    ("statuses", "status"),
    ("visibilities", "visibility"),
)


def document_length(doc: SearchDocument) -> int:
    """Words in title and text, stored with each document so ranking can discount long profiles."""
    return len(f"{doc.title or ''} {doc.text or ''}".split())


def fill(rebuilding: AbstractContextManager[Callable[[SearchDocument], None]], docs: Iterable[SearchDocument]) -> int:
    """Every doc added through a backend's ``rebuilding()`` context: ``rebuild`` for any engine; returns the count."""
    count = 0
    with rebuilding as add:
        for doc in docs:
            add(doc)
            count += 1
    return count


class BackendUnavailable(RuntimeError):
    """The configured engine cannot serve: raised loudly instead of returning empty results."""


class RebuildRequired(BackendUnavailable):
    """The stored index was written with another schema version; run ``flask index rebuild``."""


@runtime_checkable
class SearchBackend(Protocol):
    """Lexical retrieval over SearchDocuments with one portable Filter.

    Writes (``upsert``, ``delete``, ``clear``, ``rebuild``) are durable and visible to
    searches when they return, so callers need no separate commit step.
    """

    name: str
    #: Whether search() uses ``vector``, i.e. whether callers must encode the query before searching.
    uses_query_vector: bool

    def upsert(self, docs: Sequence[SearchDocument]) -> None:
        """Insert or replace documents by id (ingest is idempotent, so replacing is the norm)."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        ...

    def search(
        self,
        query: str,
        filters: Filter | None = None,
        top_k: int = 100,
        vector: Sequence[float] | None = None,
    ) -> list[Hit]:
        """BM25 over title (boosted) and text; best first.

        ``filters=None`` means ``Filter()``, i.e. public documents only. A query with no
        words returns []. ``vector`` adds a kNN clause where the engine supports it
        (Elasticsearch); the local backend ignores it and the ranking layer does semantics.
        """
        ...

    def name_matches(self, phrases: Sequence[str], filters: Filter | None = None, top_k: int = 100) -> list[Hit]:
        """Documents whose ``names`` hold one of ``phrases`` exactly (score 1.0 each).

        How a problem text that names a firm or person finds its profile; the phrases are
        compared as keywords, never parsed as a query.
        """
        ...

    def count(self, filters: Filter | None = None) -> int:
        """Number of documents passing the filter (``None`` means ``Filter()``, public only)."""
        ...

    def present_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` the index holds (``flask index check``, interrupted imports).

        An engine that cannot list its ids raises NotImplementedError; `index rebuild` is the cure there.
        """
        ...

    def all_ids(self) -> set[str]:
        """Every id the index holds; NotImplementedError like ``present_ids``."""
        ...

    def health(self) -> dict[str, Any]:
        """Status details for ``flask check-settings`` and /health; raises BackendUnavailable."""
        ...

    def clear(self) -> None:
        """Remove every document, keeping the index usable."""
        ...

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Replace the whole content with ``docs`` atomically for readers; returns the count.

        Also the cure for RebuildRequired: it recreates an index of the current schema.
        """
        ...

    def rebuilding(self) -> AbstractContextManager[Callable[[SearchDocument], None]]:
        """``rebuild`` push-style: a context yielding ``add(doc)``; what was added replaces the whole
        content when the context exits cleanly (so two indexes fill from one pass over SQL)."""
        ...

    def drop(self) -> None:
        """Delete the index itself (tests, decommissioning)."""
        ...

    def close(self) -> None:
        """Release writers, locks and connections."""
        ...
