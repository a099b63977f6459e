"""Read queries the ranking and the services share: entity cards, document texts, capability statistics."""
from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Text, func, select, type_coerce
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


def entity_cards(session: Session, ids: Iterable[str]) -> dict[str, EntityCard]:
    """Cards for any mix of researcher, lab, organization, equipment and project ids.

    Plain columns on the session's connection, not ORM objects: this runs for every candidate of every
    search (~400 rows), where ORM row handling and JSON decoding cost several times the SQL itself.
    """
    by_kind: dict[str, list[str]] = defaultdict(list)
    for entity_id in set(ids):
        by_kind[entity_kind(entity_id)].append(entity_id)
    cards: dict[str, EntityCard] = {}
    org = aliased(Organization)
    run = session.connection().execute
    for chunk in _chunks(by_kind.get("researcher", [])):
        rows = run(
            select(Researcher.id, Researcher.name, Researcher.lab_id, Researcher.organization_id,
                   Researcher.recency_half_life, type_coerce(Researcher.added_capabilities, Text),
                   type_coerce(Researcher.removed_capabilities, Text), org.name, org.region)
            .outerjoin(org, Researcher.organization_id == org.id).where(Researcher.id.in_(chunk))
        ).all()  # one fetchall, not a fetchone per row
        for rid, name, lab_id, org_id, half_life, added, removed, org_name, region in rows:
            cards[rid] = EntityCard(rid, "researcher", name, org_name, region, lab_id or org_id or rid, None,
                                    half_life, _json_tuple(added), _json_tuple(removed))
    for chunk in _chunks(by_kind.get("lab", [])):
        for lab_id, name, org_name, region in run(
            select(Lab.id, Lab.name, org.name, org.region).outerjoin(org, Lab.organization_id == org.id)
            .where(Lab.id.in_(chunk))
        ):
            cards[lab_id] = EntityCard(lab_id, "lab", name, org_name, region, lab_id)
    for chunk in _chunks(by_kind.get("organization", [])):
        for org_id, name, region in run(
            select(Organization.id, Organization.name, Organization.region).where(Organization.id.in_(chunk))
        ):
            cards[org_id] = EntityCard(org_id, "organization", name, None, region, org_id)
    for chunk in _chunks(by_kind.get("equipment", [])):
        for eq_id, name, eq_org, eq_region, status, org_name, region in run(
            select(Equipment.id, Equipment.name, Equipment.organization_id, Equipment.region, Equipment.status,
                   org.name, org.region)
            .outerjoin(org, Equipment.organization_id == org.id).where(Equipment.id.in_(chunk))
        ):
            cards[eq_id] = EntityCard(eq_id, "equipment", name, org_name, eq_region or region, eq_org or eq_id, status)
    for chunk in _chunks(by_kind.get("project", [])):
        for p_id, acronym, title, p_region, status, org_name, region in run(
            select(InstituteProject.id, InstituteProject.acronym, InstituteProject.title, InstituteProject.region,
                   InstituteProject.status, org.name, org.region)
            .outerjoin(org, InstituteProject.institute_id == org.id).where(InstituteProject.id.in_(chunk))
        ):
            name = f"{acronym}: {title}" if acronym else title
            cards[p_id] = EntityCard(p_id, "project", name, org_name, p_region or region, p_id, status)
    return cards


def document_texts(session: Session, ids: Iterable[str]) -> dict[str, DocText]:
    """Title and text of documents, equipment and projects (they are their own documents).

    Only the columns shown are read: documents also carry JSON extras that nothing here needs.
    """
    wanted = list(set(ids))
    out: dict[str, DocText] = {}
    run = session.connection().execute
    for chunk in _chunks([i for i in wanted if entity_kind(i) == "document"]):
        for doc_id, kind, title, text, year, url in run(
            select(Document.id, Document.kind, Document.title, Document.text, Document.year, Document.url)
            .where(Document.id.in_(chunk))
        ):
            out[doc_id] = DocText(doc_id, kind, title, text or "", year, url)
    for chunk in _chunks([i for i in wanted if entity_kind(i) == "equipment"]):
        for eq_id, name, category, description, facility, access_terms, url in run(
            select(Equipment.id, Equipment.name, Equipment.category, Equipment.description, Equipment.facility,
                   Equipment.access_terms, Equipment.url).where(Equipment.id.in_(chunk))
        ):
            text = " ".join(p for p in (category, description, facility, access_terms) if p)
            out[eq_id] = DocText(eq_id, "equipment", name, text, None, url)
    for chunk in _chunks([i for i in wanted if entity_kind(i) == "project"]):
        for p_id, title, description, start_date in run(
            select(InstituteProject.id, InstituteProject.title, InstituteProject.description,
                   InstituteProject.start_date).where(InstituteProject.id.in_(chunk))
        ):
            out[p_id] = DocText(p_id, "project", title, description or "", start_date.year if start_date else None, None)
    return out


def document_links(session: Session, doc_ids: Sequence[str]) -> dict[str, list[str]]:
    """doc id -> linked entity ids that count (not excluded), in author order; equipment/projects link to themselves."""
    links: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks([d for d in doc_ids if entity_kind(d) == "document"]):
        for doc_id, entity_id in session.connection().execute(
            select(DocumentEntity.document_id, DocumentEntity.entity_id)
            .where(DocumentEntity.document_id.in_(chunk), DocumentEntity.excluded.is_(False))
            .order_by(DocumentEntity.position)
        ):
            links[doc_id].append(entity_id)
    for d in doc_ids:
        if entity_kind(d) in ("equipment", "project"):
            links[d] = [d]
    return links


def document_years(session: Session, doc_ids: Sequence[str]) -> dict[str, int | None]:
    """doc id -> year, for documents (equipment and projects are not documents here)."""
    years: dict[str, int | None] = {}
    for chunk in _chunks(list(doc_ids)):
        years.update(session.execute(select(Document.id, Document.year).where(Document.id.in_(chunk))).all())
    return years


def capabilities_of(session: Session, holder_ids: Sequence[str]) -> dict[str, dict[str, float]]:
    """holder (document, equipment or project id) -> capability id -> weight, taxonomy capabilities only."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for chunk in _chunks(list(holder_ids)):
        for holder, cap, weight in session.execute(
            select(CapabilityEvidence.entity_id, CapabilityEvidence.capability_id, CapabilityEvidence.weight)
            .where(CapabilityEvidence.entity_id.in_(chunk), CapabilityEvidence.source != "keyphrase")
        ):
            out[holder][cap] = max(weight, out[holder].get(cap, 0.0))
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
