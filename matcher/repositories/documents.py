"""Queries on documents (publications, awards, profiles), equipment and institute projects, and their links."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from matcher.models import Document, DocumentEntity, Organization, ProjectParticipant


def linked_document_pairs(session: Session, entity_ids: Collection[str]) -> list[tuple[str, str]]:
    """(entity id, document id) for every link of the given entities, excluded ones included."""
    return [(e, d) for e, d in session.execute(select(DocumentEntity.entity_id, DocumentEntity.document_id)
                                               .where(DocumentEntity.entity_id.in_(entity_ids)))]


def documents_of(session: Session, entity_ids: Collection[str], limit: int) -> list[tuple[Document, bool]]:
    """(document, excluded) linked to any of the entities, newest year first, then by id."""
    return [(doc, excluded) for doc, excluded in session.execute(
        select(Document, DocumentEntity.excluded).join(DocumentEntity, DocumentEntity.document_id == Document.id)
        .where(DocumentEntity.entity_id.in_(entity_ids))
        .order_by(Document.year.desc().nulls_last(), Document.id).limit(limit))]


def project_participants(session: Session, project_id: str) -> list[Row[Any]]:
    """Rows of (id, name) of a project's participating organisations, by name."""
    return list(session.execute(
        select(Organization.id, Organization.name)
        .join(ProjectParticipant, ProjectParticipant.organization_id == Organization.id)
        .where(ProjectParticipant.project_id == project_id).order_by(Organization.name)).all())
