"""Queries on the capability taxonomy and the evidence rows that tie capabilities to entities."""
from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from matcher.models import Capability, CapabilityEvidence, Document, DocumentEntity


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


def labels_of(session: Session, capability_ids: Collection[str]) -> dict[str, str]:
    """capability id -> label, from the taxonomy, else from the evidence that named it (a retired id)."""
    if not capability_ids:
        return {}
    labels = dict(session.execute(select(Capability.id, Capability.label)
                                  .where(Capability.id.in_(capability_ids))).all())
    labels.update({cid: lbl for cid, lbl in session.execute(
        select(CapabilityEvidence.capability_id, CapabilityEvidence.capability_label)
        .where(CapabilityEvidence.capability_id.in_(capability_ids))).all() if cid not in labels})
    return labels


def taxonomy_labels(session: Session, capability_ids: Collection[str]) -> dict[str, str]:
    if not capability_ids:
        return {}
    return dict(session.execute(select(Capability.id, Capability.label).where(Capability.id.in_(capability_ids))).all())


def capabilities_like(session: Session, pattern: str, limit: int) -> list[Capability]:
    """Taxonomy nodes whose lower-cased label matches the escaped LIKE pattern, shortest label first."""
    return list(session.scalars(
        select(Capability).where(func.lower(Capability.label).like(pattern, escape="\\"))
        .order_by(func.length(Capability.label), Capability.label).limit(limit)).all())


def capabilities_by_ids(session: Session, capability_ids: Sequence[str]) -> list[Capability]:
    """Taxonomy nodes of these ids, in the order given (ids not in the taxonomy left out)."""
    rows = {c.id: c for c in session.scalars(select(Capability).where(Capability.id.in_(list(capability_ids))))}
    return [rows[i] for i in capability_ids if i in rows]


def declared_evidence_id(session: Session, entity_id: str, capability_id: str) -> int | None:
    """The evidence row recording that the entity itself declared this capability (source "researcher")."""
    return session.scalar(select(CapabilityEvidence.id).where(
        CapabilityEvidence.entity_id == entity_id, CapabilityEvidence.capability_id == capability_id,
        CapabilityEvidence.source == "researcher"))


def delete_declared_evidence(session: Session, entity_id: str, capability_id: str) -> None:
    session.execute(delete(CapabilityEvidence).where(
        CapabilityEvidence.entity_id == entity_id, CapabilityEvidence.capability_id == capability_id,
        CapabilityEvidence.source == "researcher"))


def evidence_rows_of(session: Session, entity_id: str) -> list[CapabilityEvidence]:
    return list(session.scalars(select(CapabilityEvidence).where(CapabilityEvidence.entity_id == entity_id)
                                .order_by(CapabilityEvidence.id)).all())


def evidence_with_documents(session: Session,
                            entity_id: str) -> list[tuple[CapabilityEvidence, str | None, int | None]]:
    """(evidence, document title, document year) of the taxonomy evidence about an entity: declared on the
    entity itself, or extracted from any document linked to it (excluded links included: the caller decides)."""
    return [(ev, title, year) for ev, title, year in session.execute(
        select(CapabilityEvidence, Document.title, Document.year)
        .outerjoin(Document, Document.id == CapabilityEvidence.document_id)
        .where(or_(
            CapabilityEvidence.entity_id == entity_id,
            CapabilityEvidence.entity_id.in_(select(DocumentEntity.document_id).where(
                DocumentEntity.entity_id == entity_id)),
        ))
        .where(CapabilityEvidence.source != "keyphrase")).all()]
