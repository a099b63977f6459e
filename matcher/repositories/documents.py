"""Queries on documents (publications, awards, profiles), equipment and institute projects, and their links."""
from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import DocumentEntity


def linked_document_pairs(session: Session, entity_ids: Collection[str]) -> list[tuple[str, str]]:
    """(entity id, document id) for every link of the given entities, excluded ones included."""
    return [(e, d) for e, d in session.execute(select(DocumentEntity.entity_id, DocumentEntity.document_id)
                                               .where(DocumentEntity.entity_id.in_(entity_ids)))]
