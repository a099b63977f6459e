"""Queries on the capability taxonomy and the evidence rows that tie capabilities to entities."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.models import Capability, CapabilityEvidence


def taxonomy_edges(session: Session) -> list[tuple[str, str, str | None]]:
    """(id, label, parent id) of every taxonomy node."""
    return [(cid, label, parent) for cid, label, parent in
            session.execute(select(Capability.id, Capability.label, Capability.parent_id))]


def evidence_of(session: Session, holder_ids: Sequence[str], chunk: int = 500) -> Iterator[CapabilityEvidence]:
    """Taxonomy evidence rows (keyphrases left out) held by any of the ids, read in chunks of `chunk` ids."""
    for start in range(0, len(holder_ids), chunk):
        yield from session.scalars(select(CapabilityEvidence).where(
            CapabilityEvidence.entity_id.in_(holder_ids[start:start + chunk]),
            CapabilityEvidence.source != "keyphrase"))


def holder_capability_pairs(session: Session) -> Iterator[tuple[str, str]]:
    """(holder id, capability id) of every taxonomy evidence row (keyphrases left out)."""
    for holder, cap in session.execute(select(CapabilityEvidence.entity_id, CapabilityEvidence.capability_id)
                                       .where(CapabilityEvidence.source != "keyphrase")):
        yield holder, cap


def evidence_count(session: Session, entity_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(CapabilityEvidence).where(
        CapabilityEvidence.entity_id == entity_id)) or 0)
