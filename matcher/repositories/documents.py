"""Queries on documents (publications, awards, profiles), equipment and institute projects, and their links."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from matcher.models import Document, DocumentEntity, Equipment, InstituteProject, Organization, ProjectParticipant


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


def all_indexable_ids(session: Session) -> set[str]:
    """Ids of every document, equipment and project: what the index must hold besides profiles."""
    ids = set(session.scalars(select(Document.id)))
    ids.update(session.scalars(select(Equipment.id)))
    ids.update(session.scalars(select(InstituteProject.id)))
    return ids


def linked_entities(session: Session, kinds: Collection[str]) -> Iterator[str]:
    """Distinct entities of these kinds linked (not excluded) to at least one document."""
    return iter(session.scalars(select(DocumentEntity.entity_id).where(
        DocumentEntity.excluded.is_(False), DocumentEntity.entity_kind.in_(kinds)).distinct()))


def counted_links(session: Session, doc_ids: Sequence[str] | None = None,
                  chunk: int = 500) -> list[tuple[str, str, str]]:
    """(document id, entity id, entity kind) of the links that count (not excluded), by document then author
    position; all of them, or those of `doc_ids` (read in chunks)."""
    query = select(DocumentEntity.document_id, DocumentEntity.entity_id, DocumentEntity.entity_kind).where(
        DocumentEntity.excluded.is_(False)).order_by(DocumentEntity.document_id, DocumentEntity.position)
    if doc_ids is None:
        return [(d, e, k) for d, e, k in session.execute(query)]
    out: list[tuple[str, str, str]] = []
    for start in range(0, len(doc_ids), chunk):
        out += [(d, e, k) for d, e, k in session.execute(
            query.where(DocumentEntity.document_id.in_(doc_ids[start:start + chunk])))]
    return out


def indexable_count(session: Session) -> int:
    """Documents, equipment and projects in the store (a local index must exist once there are any)."""
    return sum(session.scalar(select(func.count()).select_from(model)) or 0
               for model in (Document, Equipment, InstituteProject))


def documents_by_id(session: Session, doc_ids: Sequence[str] | None, batch: int) -> Iterator[Document]:
    """The documents of `doc_ids` (in chunks of 500), or every document by id, streamed `batch` at a time."""
    if doc_ids is not None:
        for start in range(0, len(doc_ids), 500):
            yield from session.scalars(select(Document).where(Document.id.in_(doc_ids[start:start + 500])))
        return
    yield from session.scalars(select(Document).order_by(Document.id).execution_options(yield_per=batch))


def equipment_rows(session: Session, ids: Sequence[str] | None) -> Iterable[Equipment]:
    """All equipment, or that of `ids`."""
    query = select(Equipment)
    if ids is not None:
        query = query.where(Equipment.id.in_(ids))
    return session.scalars(query)


def project_rows(session: Session, ids: Sequence[str] | None) -> Iterable[InstituteProject]:
    """All institute projects, or those of `ids`."""
    query = select(InstituteProject)
    if ids is not None:
        query = query.where(InstituteProject.id.in_(ids))
    return session.scalars(query)


def document_ids_of(session: Session, entity_ids: Sequence[str], *, counted_only: bool,
                    chunk: int = 500) -> set[str]:
    """Ids of the documents linked to any of the entities; `counted_only` leaves out excluded links."""
    out: set[str] = set()
    for start in range(0, len(entity_ids), chunk):
        query = select(DocumentEntity.document_id).where(DocumentEntity.entity_id.in_(entity_ids[start:start + chunk]))
        if counted_only:
            query = query.where(DocumentEntity.excluded.is_(False))
        out.update(session.scalars(query))
    return out


def link_counts(session: Session, entity_ids: Collection[str]) -> dict[str, int]:
    """entity id -> how many documents it is linked to (excluded links included)."""
    return dict(session.execute(select(DocumentEntity.entity_id, func.count()).where(
        DocumentEntity.entity_id.in_(entity_ids)).group_by(DocumentEntity.entity_id)).all())


def links_of_entity(session: Session, entity_id: str) -> list[DocumentEntity]:
    return list(session.scalars(select(DocumentEntity).where(DocumentEntity.entity_id == entity_id)))


def link_of(session: Session, document_id: str, entity_id: str) -> DocumentEntity | None:
    return session.scalar(select(DocumentEntity).where(DocumentEntity.document_id == document_id,
                                                       DocumentEntity.entity_id == entity_id))


def participations_of(session: Session, organization_id: str) -> list[ProjectParticipant]:
    return list(session.scalars(select(ProjectParticipant)
                                .where(ProjectParticipant.organization_id == organization_id)))


def participates(session: Session, project_id: str, organization_id: str) -> bool:
    found = session.scalar(select(ProjectParticipant.id).where(ProjectParticipant.project_id == project_id,
                                                               ProjectParticipant.organization_id == organization_id))
    return found is not None


def publications_of(session: Session, entity_id: str) -> list[Row[Any]]:
    """(id, title, year, kind, excluded) of the entity's documents, newest year first, then by title."""
    return list(session.execute(
        select(Document.id, Document.title, Document.year, Document.kind, DocumentEntity.excluded)
        .join(DocumentEntity, DocumentEntity.document_id == Document.id)
        .where(DocumentEntity.entity_id == entity_id)
        .order_by(Document.year.desc().nulls_last(), Document.title)).all())


def publications_for_export(session: Session, entity_id: str) -> list[Row[Any]]:
    """(id, kind, title, year, doi, excluded) of the entity's documents, oldest year first, then by id."""
    return list(session.execute(
        select(Document.id, Document.kind, Document.title, Document.year, Document.doi, DocumentEntity.excluded)
        .join(DocumentEntity, DocumentEntity.document_id == Document.id)
        .where(DocumentEntity.entity_id == entity_id).order_by(Document.year, Document.id)).all())


def projects_created_between(session: Session, since: datetime,
                             until: datetime) -> list[tuple[InstituteProject, str | None]]:
    """(project, its institute's name) of the projects created in (since, until]."""
    return [(p, name) for p, name in session.execute(
        select(InstituteProject, Organization.name)
        .outerjoin(Organization, Organization.id == InstituteProject.institute_id)
        .where(InstituteProject.created_at > since, InstituteProject.created_at <= until)
        .order_by(InstituteProject.created_at, InstituteProject.id)).all()]


def excluded_document_ids(session: Session, entity_id: str) -> set[str]:
    """Documents the entity excluded from its evidence (they still count for their other authors)."""
    return set(session.scalars(select(DocumentEntity.document_id).where(
        DocumentEntity.entity_id == entity_id, DocumentEntity.excluded.is_(True))))
