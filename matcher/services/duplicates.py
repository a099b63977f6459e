"""Suspected duplicates for Data care, and where a merged record's old links lead.

Imports resolve people and organisations by name, so the same person can arrive several times (one
record per source spelling or affiliation). Records sharing a normalised name are suspects; a shared
institution or shared documents make the case stronger and are listed as the reasons. Nothing is
merged here: a coordinator confirms each merge.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from matcher.models import Organization, Researcher
from matcher.repositories import documents as document_queries
from matcher.repositories import network as network_queries
from matcher.runtime import Runtime

from .merging import _model

MAX_CHAIN = 10


@dataclass(frozen=True)
class Suspect:
    """One pair: `keep_id` is the record with more publications (the likelier survivor)."""

    keep_id: str
    keep_name: str
    merge_id: str
    merge_name: str
    reasons: tuple[str, ...]
    strong: bool  # same name and a shared institution or shared documents


def suspects(runtime: Runtime, kind: str, *, limit: int = 100) -> list[Suspect]:
    """Pairs of live records with the same normalised name, strongest evidence first."""
    model = _model(kind)
    with runtime.db.session() as session:
        rows = network_queries.duplicate_name_rows(session, model)
        ids = [r.id for r in rows]
        docs: dict[str, set[str]] = defaultdict(set)
        if ids:
            for entity_id, document_id in document_queries.linked_document_pairs(session, ids):
                docs[entity_id].add(document_id)
        groups: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            groups[row.name_key].append(row)
        pairs = []
        for members in groups.values():
            members.sort(key=lambda r: (-len(docs[r.id]), r.id))
            keep = members[0]
            for other in members[1:]:
                pairs.append(_pair(session, kind, keep, other, docs))
    pairs.sort(key=lambda p: (not p.strong, p.keep_name, p.merge_id))
    return pairs[:limit]


def _pair(session: Session, kind: str, keep: Any, other: Any, docs: dict[str, set[str]]) -> Suspect:
    reasons = ["same normalised name"]
    if kind == "researcher" and keep.organization_id and keep.organization_id == other.organization_id:
        org = session.get(Organization, keep.organization_id)
        reasons.append(f"same institution ({org.name if org else keep.organization_id})")
    if kind == "organization" and keep.region and keep.region == other.region:
        reasons.append(f"same region ({keep.region})")
    shared = docs[keep.id] & docs[other.id]
    if shared:
        reasons.append(f"{len(shared)} shared document{'s' if len(shared) != 1 else ''}")
    return Suspect(keep_id=keep.id, keep_name=keep.name, merge_id=other.id, merge_name=other.name,
                   reasons=tuple(reasons), strong=len(reasons) > 1)


def survivor(runtime: Runtime, entity_id: str) -> str | None:
    """Where a merged researcher or organisation lives now (following chains of merges), else None."""
    kind = entity_id.split(":", 1)[0]
    model = {"researcher": Researcher, "organization": Organization}.get(kind)
    if model is None:
        return None
    current = entity_id
    with runtime.db.session() as session:
        for _ in range(MAX_CHAIN):
            row = session.get(model, current)
            if row is None or not row.merged_into_id:
                break
            current = row.merged_into_id
    return current if current != entity_id else None
