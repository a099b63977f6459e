"""Compare SQL (the source of truth) with the search index, and repair the difference.

After an import is killed, SQL may hold rows the index never got (and an unchanged row is not
written again, so a plain re-run would not index it). `flask index check` lists what is missing
or left over; `--repair` indexes the missing documents and profiles and deletes the stale ids.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from sqlalchemy.exc import SQLAlchemyError

from matcher.repositories import documents as document_queries
from matcher.runtime import Runtime
from matcher.search import SearchBackend
from matcher.types import PROFILED_ENTITY_KINDS, profile_id

_CHUNK = 500
log = logging.getLogger(__name__)


@dataclass
class IndexCheck:
    """What SQL says the index should hold against what it holds."""

    expected: int = 0
    indexed: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    repaired: bool = False

    @property
    def consistent(self) -> bool:
        return not self.missing and not self.stale

    def as_dict(self) -> dict[str, object]:
        return {"expected": self.expected, "indexed": self.indexed, "missing": len(self.missing),
                "stale": len(self.stale), "missing_examples": self.missing[:10], "stale_examples": self.stale[:10],
                "consistent": self.consistent, "repaired": self.repaired}


def _expected_ids(runtime: Runtime) -> set[str]:
    with runtime.db.session() as session:
        ids = document_queries.all_indexable_ids(session)
        ids.update(profile_id(e) for e in document_queries.linked_entities(session, PROFILED_ENTITY_KINDS))
    return ids


def check_index(runtime: Runtime, *, repair: bool = False) -> IndexCheck:
    """Ids missing from the index and ids it holds that SQL no longer has; with `repair`, fix both."""
    expected = _expected_ids(runtime)
    present = runtime.search.present_ids(sorted(expected))
    indexed = runtime.search.all_ids()
    report = IndexCheck(expected=len(expected), indexed=len(indexed), missing=sorted(expected - present),
                        stale=sorted(indexed - expected))
    if repair and not report.consistent:
        repair_index(runtime, report.missing, report.stale)
        report.repaired = True
    return report


def repair_index(runtime: Runtime, missing: Sequence[str], stale: Sequence[str] = ()) -> None:
    """Index the missing ids (a missing profile is rebuilt from its entity's documents); delete stale ones."""
    from matcher.indexing import index_documents

    prefix = profile_id("")
    entities = [i[len(prefix):] for i in missing if i.startswith(prefix)]
    entities += [i for i in missing if i.startswith(("equipment:", "project:"))]
    documents = [i for i in missing if not i.startswith((prefix, "equipment:", "project:"))]
    index_documents(runtime, documents, entities)
    if stale:
        runtime.search.delete(list(stale))
        runtime.data_changed()


def index_missing(runtime: Runtime, doc_ids: Sequence[str]) -> int:
    """For an import's unchanged documents: index those the index lacks, and the missing profiles of their
    entities (an import killed between the two writes); returns how many ids were missing."""
    links: list[tuple[str, str, str]] = []
    unique = sorted(set(doc_ids))
    with runtime.db.session() as session:
        links += document_queries.counted_links(session, unique, chunk=_CHUNK)
    profiles = {profile_id(e) for _, e, kind in links if kind in PROFILED_ENTITY_KINDS}
    try:
        present = runtime.search.present_ids(unique + sorted(profiles))
    except NotImplementedError:
        return 0  # engines without an id listing rely on `index rebuild`
    missing_docs = [d for d in unique if d not in present]
    missing_profiles = sorted(p for p in profiles if p not in present)
    if not missing_docs and not missing_profiles:
        return 0
    wanted = set(missing_docs)
    entities = {e for d, e, _ in links if d in wanted} | {p[len(profile_id("")):] for p in missing_profiles}
    from matcher.indexing import index_documents

    index_documents(runtime, missing_docs, sorted(entities))
    return len(missing_docs) + len(missing_profiles)


def guard_missing_index(runtime: Runtime) -> str | None:
    """At start: a local index that is missing while SQL holds documents is refused, never silently
    recreated empty; returns the message (None when all is well or the schema is not there yet)."""
    if str(runtime.settings.get("SEARCH_BACKEND", "local")).lower() != "local":
        return None
    index_dir = Path(runtime.settings.get("INDEX_DIR", "instance/index"))
    if (index_dir / "meta.json").exists():
        return None
    try:
        with runtime.db.session() as session:
            count = document_queries.indexable_count(session)
    except SQLAlchemyError:
        return None  # no schema yet (`flask db upgrade` comes next)
    if not count:
        return None
    from matcher.search.guard import MissingIndexGuard

    message = (f"the search index is missing while the database holds {count} documents; "
               "run `flask --app wsgi index rebuild`")
    runtime.wrap_search(lambda backend: cast(SearchBackend, MissingIndexGuard(backend, index_dir, message)))
    log.error("%s (INDEX_DIR=%s)", message, index_dir)
    return message
