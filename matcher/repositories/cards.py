"""Read queries the ranking and the services share: entity cards, document texts, capability statistics."""
from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Text, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from matcher.models import (
    CapabilityEvidence,
    Document,
    DocumentEntity,
    Equipment,
    InstituteProject,
    Lab,
    Organization,
    Researcher,
)
from matcher.types import DocText, EntityCard, entity_kind

CHUNK = 500


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _json_tuple(raw: Any) -> tuple[str, ...]:
    """A JSON list column read without the JSON type: nearly every value is "[]", which needs no parser.

    SQLite hands back the stored text; PostgreSQL drivers may already hand back a list.
    """
    if raw is None or raw == "[]":
        return ()
    if isinstance(raw, str):
        raw = json.loads(raw)
    return tuple(raw or ())


def _ids() -> Any:
    """The expanding IN parameter of the prebuilt statements below (a chunk of ids per execution)."""
    return bindparam("ids", expanding=True)


_org = aliased(Organization)
# Built once: constructing a select costs more CPU than SQLite answering it, and these run on every search.
_RESEARCHER_CARDS = (
    select(Researcher.id, Researcher.name, Researcher.lab_id, Researcher.organization_id,
           Researcher.recency_half_life, type_coerce(Researcher.added_capabilities, Text),
           type_coerce(Researcher.removed_capabilities, Text), _org.name, _org.region)
    .outerjoin(_org, Researcher.organization_id == _org.id).where(Researcher.id.in_(_ids())))
_LAB_CARDS = (select(Lab.id, Lab.name, _org.name, _org.region).outerjoin(_org, Lab.organization_id == _org.id)
              .where(Lab.id.in_(_ids())))
_ORGANIZATION_CARDS = select(Organization.id, Organization.name, Organization.region).where(
    Organization.id.in_(_ids()))
_EQUIPMENT_CARDS = (
    select(Equipment.id, Equipment.name, Equipment.organization_id, Equipment.region, Equipment.status,
           _org.name, _org.region)
    .outerjoin(_org, Equipment.organization_id == _org.id).where(Equipment.id.in_(_ids())))
_PROJECT_CARDS = (
    select(InstituteProject.id, InstituteProject.acronym, InstituteProject.title, InstituteProject.region,
           InstituteProject.status, _org.name, _org.region)
    .outerjoin(_org, InstituteProject.institute_id == _org.id).where(InstituteProject.id.in_(_ids())))


def _rows(session: Session, statement: Any, ids: Sequence[str]) -> Iterable[Any]:
    """Every row of a prebuilt statement over `ids`, a chunk at a time, each chunk in one fetchall."""
    run = session.connection().execute
    for chunk in _chunks(ids):
        yield from run(statement, {"ids": list(chunk)}).all()


def entity_cards(session: Session, ids: Iterable[str]) -> dict[str, EntityCard]:
    """Cards for any mix of researcher, lab, organization, equipment and project ids.

    Plain columns on the session's connection, not ORM objects: this runs for every candidate of every
    search (~400 rows), where ORM row handling and JSON decoding cost several times the SQL itself.
    """
    by_kind: dict[str, list[str]] = defaultdict(list)
    for entity_id in set(ids):
        by_kind[entity_kind(entity_id)].append(entity_id)
    cards: dict[str, EntityCard] = {}
    for rid, name, lab_id, org_id, half_life, added, removed, org_name, region in _rows(
            session, _RESEARCHER_CARDS, by_kind.get("researcher", [])):
        cards[rid] = EntityCard(rid, "researcher", name, org_name, region, lab_id or org_id or rid, None,
                                half_life, _json_tuple(added), _json_tuple(removed))
    for lab_id, name, org_name, region in _rows(session, _LAB_CARDS, by_kind.get("lab", [])):
        cards[lab_id] = EntityCard(lab_id, "lab", name, org_name, region, lab_id)
    for org_id, name, region in _rows(session, _ORGANIZATION_CARDS, by_kind.get("organization", [])):
        cards[org_id] = EntityCard(org_id, "organization", name, None, region, org_id)
    for eq_id, name, eq_org, eq_region, status, org_name, region in _rows(
            session, _EQUIPMENT_CARDS, by_kind.get("equipment", [])):
        cards[eq_id] = EntityCard(eq_id, "equipment", name, org_name, eq_region or region, eq_org or eq_id, status)
    for p_id, acronym, title, p_region, status, org_name, region in _rows(
            session, _PROJECT_CARDS, by_kind.get("project", [])):
        name = f"{acronym}: {title}" if acronym else title
        cards[p_id] = EntityCard(p_id, "project", name, org_name, p_region or region, p_id, status)
    return cards


_DOCUMENT_TEXTS = select(Document.id, Document.kind, Document.title, Document.text, Document.year,
                         Document.url).where(Document.id.in_(_ids()))
_EQUIPMENT_TEXTS = select(Equipment.id, Equipment.name, Equipment.category, Equipment.description,
                          Equipment.facility, Equipment.access_terms, Equipment.url).where(Equipment.id.in_(_ids()))
_PROJECT_TEXTS = select(InstituteProject.id, InstituteProject.title, InstituteProject.description,
                        InstituteProject.start_date).where(InstituteProject.id.in_(_ids()))


def document_texts(session: Session, ids: Iterable[str]) -> dict[str, DocText]:
    """Title and text of documents, equipment and projects (they are their own documents).

    Only the columns shown are read: documents also carry JSON extras that nothing here needs.
    """
    wanted = list(set(ids))
    out: dict[str, DocText] = {}
    for doc_id, kind, title, text, year, url in _rows(
            session, _DOCUMENT_TEXTS, [i for i in wanted if entity_kind(i) == "document"]):
        out[doc_id] = DocText(doc_id, kind, title, text or "", year, url)
    for eq_id, name, category, description, facility, access_terms, url in _rows(
            session, _EQUIPMENT_TEXTS, [i for i in wanted if entity_kind(i) == "equipment"]):
        text = " ".join(p for p in (category, description, facility, access_terms) if p)
        out[eq_id] = DocText(eq_id, "equipment", name, text, None, url)
    for p_id, title, description, start_date in _rows(
            session, _PROJECT_TEXTS, [i for i in wanted if entity_kind(i) == "project"]):
        out[p_id] = DocText(p_id, "project", title, description or "", start_date.year if start_date else None, None)
    return out


# Equal positions by document id: what SQLite returned anyway, and the same order on PostgreSQL (whose order
# of ties is the plan's), so the attributes kept in memory (matcher.attributes) can reproduce it.
_DOCUMENT_LINKS = (select(DocumentEntity.document_id, DocumentEntity.entity_id)
                   .where(DocumentEntity.document_id.in_(_ids()), DocumentEntity.excluded.is_(False))
                   .order_by(DocumentEntity.position, DocumentEntity.document_id))
_HOLDER_CAPABILITIES = (select(CapabilityEvidence.entity_id, CapabilityEvidence.capability_id,
                               CapabilityEvidence.weight)
                        .where(CapabilityEvidence.entity_id.in_(_ids()), CapabilityEvidence.source != "keyphrase"))


def document_links(session: Session, doc_ids: Sequence[str]) -> dict[str, list[str]]:
    """doc id -> linked entity ids that count (not excluded), in author order; equipment/projects link to themselves."""
    links: dict[str, list[str]] = defaultdict(list)
    for doc_id, entity_id in _rows(session, _DOCUMENT_LINKS, [d for d in doc_ids if entity_kind(d) == "document"]):
        links[doc_id].append(entity_id)
    for d in doc_ids:
        if entity_kind(d) in ("equipment", "project"):
            links[d] = [d]
    return links


_DOCUMENT_LINK_POSITIONS = (select(DocumentEntity.document_id, DocumentEntity.entity_id, DocumentEntity.position)
                            .where(DocumentEntity.document_id.in_(_ids()), DocumentEntity.excluded.is_(False))
                            .order_by(DocumentEntity.position, DocumentEntity.document_id))


def document_links_with_positions(session: Session, doc_ids: Sequence[str]) -> dict[str, tuple[int, tuple[str, ...]]]:
    """doc id -> (author position of its first counted link, linked entity ids in author order): what
    document_links reads, kept with the position its order follows (matcher.attributes keeps these)."""
    links: dict[str, tuple[int, list[str]]] = {}
    for doc_id, entity_id, position in _rows(session, _DOCUMENT_LINK_POSITIONS,
                                             [d for d in doc_ids if entity_kind(d) == "document"]):
        links.setdefault(doc_id, (position, []))[1].append(entity_id)
    return {d: (first, tuple(ids)) for d, (first, ids) in links.items()}


_ENTITY_TABLES = (Researcher, Lab, Organization, Equipment, InstituteProject)


def entity_and_document_ids(session: Session, max_documents: int) -> tuple[list[str], list[str]]:
    """Every researcher, lab, organization, equipment and project id, and up to `max_documents` document ids."""
    entity_ids = [i for model in _ENTITY_TABLES for i in session.scalars(select(model.id))]
    doc_ids = list(session.scalars(select(Document.id).limit(max_documents)))
    return entity_ids, doc_ids


def document_years(session: Session, doc_ids: Sequence[str]) -> dict[str, int | None]:
    """doc id -> year, for documents (equipment and projects are not documents here)."""
    years: dict[str, int | None] = {}
    for chunk in _chunks(list(doc_ids)):
        years.update(session.execute(select(Document.id, Document.year).where(Document.id.in_(chunk))).all())
    return years


def capabilities_of(session: Session, holder_ids: Sequence[str]) -> dict[str, dict[str, float]]:
    """holder (document, equipment or project id) -> capability id -> weight, taxonomy capabilities only."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for holder, cap, weight in _rows(session, _HOLDER_CAPABILITIES, list(holder_ids)):
        caps = out[holder]
        caps[cap] = max(weight, caps.get(cap, 0.0))
    return out


_DF_CACHE: dict[str, tuple[float, dict[str, int], int]] = {}
DF_TTL_SECONDS = 300.0


def capability_document_frequency(session: Session, cache_key: str) -> tuple[dict[str, int], int]:
    """How many holders show each capability (cached a few minutes: it only drifts with imports)."""
    cached = _DF_CACHE.get(cache_key)
    if cached and time.monotonic() - cached[0] < DF_TTL_SECONDS:
        return cached[1], cached[2]
    rows = session.execute(
        select(CapabilityEvidence.capability_id, func.count(func.distinct(CapabilityEvidence.entity_id)))
        .where(CapabilityEvidence.source != "keyphrase").group_by(CapabilityEvidence.capability_id)
    )
    df = {cap: int(n) for cap, n in rows}
    total = int(session.scalar(select(func.count(func.distinct(CapabilityEvidence.entity_id)))) or 0)
    _DF_CACHE[cache_key] = (time.monotonic(), df, total)
    return df, total
