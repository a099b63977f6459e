"""Data care: browse, edit and merge duplicate researchers and organisations.

A merge repoints everything that names the duplicate (publication links, capability evidence,
matches and their history, introduction requests, accounts, affiliations) to the kept record,
resolves the rows that would then collide on a unique key, and marks the duplicate with
merged_into_id instead of deleting it, so old links can still be followed. One transaction, audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from matcher.models import (
    CapabilityEvidence, Equipment, InstituteProject, IntroductionRequest, Lab, Organization, Problem, Researcher, User,
)
from matcher.repositories import capabilities as capability_queries
from matcher.repositories import documents as document_queries
from matcher.repositories import network as network_queries
from matcher.repositories import operations as operation_queries
from matcher.repositories import problems as problem_queries
from matcher.repositories.merges import repoint
from matcher.runtime import Runtime

from . import audit
from .outcomes import stage_index

KINDS: dict[str, Any] = {"researcher": Researcher, "organization": Organization}
EDITABLE: dict[str, tuple[str, ...]] = {
    "researcher": ("name", "orcid", "email", "organization_id", "bio"),
    "organization": ("name", "kind", "region", "country", "city", "website", "ror_id", "description"),
}


class MergeError(ValueError):
    """A merge or edit that cannot be done; the message is safe to show."""


@dataclass(frozen=True)
class EntityRow:
    id: str
    kind: str
    name: str
    detail: str
    publications: int
    matches: int
    merged_into_id: str | None


@dataclass(frozen=True)
class EntityRecord:
    id: str
    kind: str
    fields: dict[str, Any]
    merged_into_id: str | None
    publications: int
    evidence: int
    matches: int


@dataclass(frozen=True)
class ImportRunRow:
    id: int
    kind: str
    path: str
    format: str | None
    status: str
    started_at: Any
    finished_at: Any
    loaded: int
    skipped: int
    rejected: int
    rejects: tuple[str, ...]


def _model(kind: str) -> Any:
    try:
        return KINDS[kind]
    except KeyError:
        raise MergeError("only researchers and organisations can be edited or merged here") from None


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _counts(session: Session, ids: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    if not ids:
        return {}, {}
    return document_queries.link_counts(session, ids), problem_queries.match_counts(session, ids)


def browse(runtime: Runtime, kind: str, query: str = "", *, include_merged: bool = False, limit: int = 50,
           offset: int = 0) -> tuple[list[EntityRow], int]:
    """Researchers or organisations by name (case-insensitive substring), sorted so duplicates sit together."""
    model = _model(kind)
    query = (query or "").strip()
    with runtime.db.session() as session:
        rows, total = network_queries.browse_page(session, model, name_like=_like(query) if query else None,
                                                  exact_id=query or None, include_merged=include_merged,
                                                  limit=limit, offset=offset)
        pubs, matches = _counts(session, [r.id for r in rows])
        result = []
        for row in rows:
            if kind == "researcher":
                org = session.get(Organization, row.organization_id) if row.organization_id else None
                detail = ", ".join(filter(None, [org.name if org else None, row.orcid and f"ORCID {row.orcid}"]))
            else:
                detail = ", ".join(filter(None, [row.kind, row.city, row.region, row.country]))
            result.append(EntityRow(id=row.id, kind=kind, name=row.name, detail=detail, publications=pubs.get(row.id, 0),
                                    matches=matches.get(row.id, 0), merged_into_id=row.merged_into_id))
        return result, total


def get_record(runtime: Runtime, kind: str, entity_id: str) -> EntityRecord | None:
    model = _model(kind)
    with runtime.db.session() as session:
        row = session.get(model, entity_id)
        if row is None:
            return None
        pubs, matches = _counts(session, [row.id])
        evidence = capability_queries.evidence_count(session, row.id)
        return EntityRecord(id=row.id, kind=kind, fields={f: getattr(row, f) for f in EDITABLE[kind]},
                            merged_into_id=row.merged_into_id, publications=pubs.get(row.id, 0),
                            evidence=int(evidence), matches=matches.get(row.id, 0))


def edit(runtime: Runtime, kind: str, entity_id: str, user_id: int | None, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the editable fields given; returns what changed. Unique fields are checked first for a clear message."""
    model = _model(kind)
    unknown = set(changes) - set(EDITABLE[kind])
    if unknown:
        raise MergeError(f"cannot edit {', '.join(sorted(unknown))}")
    clean = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in changes.items()}
    if "name" in clean and not clean["name"]:
        raise MergeError("a name is required")
    with runtime.db.session() as session:
        row = session.get(model, entity_id)
        if row is None:
            raise MergeError("no such record")
        if row.merged_into_id:
            raise MergeError(f"this record was merged into {row.merged_into_id}; edit that one")
        for unique in ("orcid", "email", "ror_id"):
            value = clean.get(unique)
            if value and hasattr(model, unique) and network_queries.holder_of(session, model, unique, value,
                                                                              other_than=entity_id):
                raise MergeError(f"another record already has this {unique}; merge the two instead")
        if clean.get("organization_id") and session.get(Organization, clean["organization_id"]) is None:
            raise MergeError("no organisation with that id")
        before = {k: getattr(row, k) for k in clean}
        changed = {k: v for k, v in clean.items() if before[k] != v}
        for key, value in changed.items():
            setattr(row, key, value)
        if "name" in changed:
            row.name_key = " ".join(str(changed["name"]).lower().split())
        if changed:
            audit.record(session, user_id, f"{kind}.edit", kind, entity_id, {k: before[k] for k in changed}, changed)
    if changed:
        runtime.data_changed()  # a name, organisation or region shown and ranked without a re-index
    return changed


def _repoint_documents(session: Session, keep: str, merge: str) -> int:
    """Move publication links; where the kept record is already on the document, drop the duplicate link."""
    moved = 0
    for link in document_queries.links_of_entity(session, merge):
        existing = document_queries.link_of(session, link.document_id, keep)
        if existing is not None:
            existing.excluded = existing.excluded and link.excluded
            session.delete(link)
        else:
            link.entity_id = keep
            moved += 1
    session.flush()
    return moved


def _repoint_matches(session: Session, keep: str, merge: str) -> int:
    """Move matches; where both were matched to one problem, keep the further-along match and move the other's history."""
    moved = 0
    for match in problem_queries.matches_of_entity(session, merge):
        other = problem_queries.match_of(session, match.problem_id, keep)
        if other is None:
            match.entity_id = keep
            moved += 1
            continue
        survivor, loser = (other, match) if stage_index(other.stage) >= stage_index(match.stage) else (match, other)
        problem_queries.move_events(session, loser.id, survivor.id)
        survivor.pinned = bool(survivor.pinned or loser.pinned)
        survivor.sme_consented = bool(survivor.sme_consented or loser.sme_consented)
        notes = [n for n in (survivor.note, loser.note) if n]
        survivor.note = "\n".join(dict.fromkeys(notes)) or None
        session.flush()
        session.expire(loser, ["events"])
        session.delete(loser)
        session.flush()
        survivor.entity_id = keep
        moved += 1
    session.flush()
    return moved


def _fill_missing(session: Session, kept: Any, merged: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Copy what only the duplicate knew (unique values are released on the duplicate first)."""
    filled: dict[str, Any] = {}
    for name in fields:
        if getattr(kept, name, None) in (None, "") and getattr(merged, name, None) not in (None, ""):
            filled[name] = getattr(merged, name)
    for name in ("orcid", "email", "ror_id"):
        if name in filled:
            setattr(merged, name, None)
    session.flush()
    for name, value in filled.items():
        setattr(kept, name, value)
    return filled


def merge(runtime: Runtime, kind: str, keep_id: str, merge_id: str, user_id: int | None) -> dict[str, int]:
    """Merge `merge_id` into `keep_id`; returns how many rows of each kind were repointed."""
    model = _model(kind)
    if keep_id == merge_id:
        raise MergeError("choose two different records")
    with runtime.db.session() as session:
        kept, merged = session.get(model, keep_id), session.get(model, merge_id)
        if kept is None or merged is None:
            raise MergeError("both records must exist")
        if kept.merged_into_id or merged.merged_into_id:
            raise MergeError("one of the records was already merged")
        counts: dict[str, int] = {}
        counts["publications"] = _repoint_documents(session, keep_id, merge_id)
        counts["evidence"] = repoint(session, CapabilityEvidence.entity_id, merge_id, keep_id)
        counts["matches"] = _repoint_matches(session, keep_id, merge_id)
        counts["introduction_requests"] = repoint(session, IntroductionRequest.entity_id, merge_id, keep_id)
        if kind == "researcher":
            counts["accounts"] = repoint(session, User.researcher_id, merge_id, keep_id)
            fields = ("orcid", "email", "organization_id", "lab_id", "bio", "claimed_by_user_id")
        else:
            counts.update(_repoint_organization(session, keep_id, merge_id))
            fields = ("ror_id", "region", "country", "city", "website", "description", "lat", "lng")
        filled = _fill_missing(session, kept, merged, fields)
        merged.merged_into_id = keep_id
        audit.record(session, user_id, f"{kind}.merge", kind, merge_id,
                     before={"id": merge_id, "name": merged.name},
                     after={"merged_into_id": keep_id, "kept_name": kept.name, "filled": sorted(filled), **counts})
    runtime.data_changed()  # links moved to the kept record; its re-index job follows
    return counts


def _repoint_organization(session: Session, keep: str, merge: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label, model, column in (("researchers", Researcher, "organization_id"), ("labs", Lab, "organization_id"),
                                 ("equipment", Equipment, "organization_id"), ("users", User, "organization_id"),
                                 ("problems", Problem, "organization_id"),
                                 ("projects", InstituteProject, "institute_id")):
        counts[label] = repoint(session, getattr(model, column), merge, keep)
    moved = 0
    for part in document_queries.participations_of(session, merge):
        if document_queries.participates(session, part.project_id, keep):
            session.delete(part)
        else:
            part.organization_id = keep
            moved += 1
    counts["project_participations"] = moved
    session.flush()
    return counts


def affected_entities(kind: str, keep_id: str, merge_id: str) -> list[str]:
    """The entity ids whose search documents a merge changed (for re-indexing)."""
    return [keep_id, merge_id]


def import_runs(runtime: Runtime, *, limit: int = 50, offset: int = 0) -> tuple[list[ImportRunRow], int]:
    """Import runs, newest first, with their rejected rows."""
    with runtime.db.session() as session:
        rows, total = operation_queries.import_runs_page(session, limit=limit, offset=offset)
        return [ImportRunRow(id=r.id, kind=r.kind, path=r.path, format=r.format, status=r.status,
                             started_at=r.started_at, finished_at=r.finished_at, loaded=r.loaded, skipped=r.skipped,
                             rejected=r.rejected, rejects=tuple(str(x) for x in r.rejects or ()))
                for r in rows], total
