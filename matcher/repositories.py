"""Read queries the ranking and the services share: entity cards, document texts, capability statistics."""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
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

CHUNK = 500


@dataclass(frozen=True)
class EntityCard:
    """What a result list needs to show an entity, and to keep one group from filling the page."""

    id: str
    kind: str
    name: str
    organization: str | None
    region: str | None
    group: str  # lab or organisation: the unit diversity is enforced over
    status: str | None = None
    recency_half_life: float | None = None
    added_capabilities: tuple[str, ...] = ()
    removed_capabilities: tuple[str, ...] = ()


def entity_kind(entity_id: str) -> str:
    return entity_id.split(":", 1)[0]


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def entity_cards(session: Session, ids: Iterable[str]) -> dict[str, EntityCard]:
    """Cards for any mix of researcher, lab, organization, equipment and project ids."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for entity_id in set(ids):
        by_kind[entity_kind(entity_id)].append(entity_id)
    cards: dict[str, EntityCard] = {}
    org = aliased(Organization)
    for chunk in _chunks(by_kind.get("researcher", [])):
        # Plain columns, not ORM objects: this runs for every candidate of every search.
        rows = session.execute(
            select(Researcher.id, Researcher.name, Researcher.lab_id, Researcher.organization_id,
                   Researcher.recency_half_life, Researcher.added_capabilities, Researcher.removed_capabilities,
                   org.name, org.region)
            .outerjoin(org, Researcher.organization_id == org.id).where(Researcher.id.in_(chunk))
        )
        for rid, name, lab_id, org_id, half_life, added, removed, org_name, region in rows:
            cards[rid] = EntityCard(rid, "researcher", name, org_name, region, lab_id or org_id or rid, None,
                                    half_life, tuple(added or ()), tuple(removed or ()))
    for chunk in _chunks(by_kind.get("lab", [])):
        for lab, org_name, region in session.execute(
            select(Lab, org.name, org.region).outerjoin(org, Lab.organization_id == org.id).where(Lab.id.in_(chunk))
        ):
            cards[lab.id] = EntityCard(lab.id, "lab", lab.name, org_name, region, lab.id)
    for chunk in _chunks(by_kind.get("organization", [])):
        for o in session.scalars(select(Organization).where(Organization.id.in_(chunk))):
            cards[o.id] = EntityCard(o.id, "organization", o.name, None, o.region, o.id)
    for chunk in _chunks(by_kind.get("equipment", [])):
        for eq, org_name, region in session.execute(
            select(Equipment, org.name, org.region).outerjoin(org, Equipment.organization_id == org.id)
            .where(Equipment.id.in_(chunk))
        ):
            cards[eq.id] = EntityCard(eq.id, "equipment", eq.name, org_name, eq.region or region,
                                      eq.organization_id or eq.id, eq.status)
    for chunk in _chunks(by_kind.get("project", [])):
        for p, org_name, region in session.execute(
            select(InstituteProject, org.name, org.region).outerjoin(org, InstituteProject.institute_id == org.id)
            .where(InstituteProject.id.in_(chunk))
        ):
            name = f"{p.acronym}: {p.title}" if p.acronym else p.title
            cards[p.id] = EntityCard(p.id, "project", name, org_name, p.region or region, p.id, p.status)
    return cards


@dataclass(frozen=True)
class DocText:
    id: str
    kind: str
    title: str
    text: str
    year: int | None
    url: str | None


def document_texts(session: Session, ids: Iterable[str]) -> dict[str, DocText]:
    """Title and text of documents, equipment and projects (they are their own documents)."""
    wanted = list(set(ids))
    out: dict[str, DocText] = {}
    docs = [i for i in wanted if entity_kind(i) == "document"]
    for chunk in _chunks(docs):
        for d in session.scalars(select(Document).where(Document.id.in_(chunk))):
            out[d.id] = DocText(d.id, d.kind, d.title, d.text or "", d.year, d.url)
    for chunk in _chunks([i for i in wanted if entity_kind(i) == "equipment"]):
        for e in session.scalars(select(Equipment).where(Equipment.id.in_(chunk))):
            text = " ".join(p for p in (e.category, e.description, e.facility, e.access_terms) if p)
            out[e.id] = DocText(e.id, "equipment", e.name, text, None, e.url)
    for chunk in _chunks([i for i in wanted if entity_kind(i) == "project"]):
        for p in session.scalars(select(InstituteProject).where(InstituteProject.id.in_(chunk))):
            out[p.id] = DocText(p.id, "project", p.title, p.description or "",
                                p.start_date.year if p.start_date else None, None)
    return out


def document_links(session: Session, doc_ids: Sequence[str]) -> dict[str, list[str]]:
    """doc id -> linked entity ids that count (not excluded), in author order; equipment/projects link to themselves."""
    links: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks([d for d in doc_ids if entity_kind(d) == "document"]):
        for doc_id, entity_id in session.execute(
            select(DocumentEntity.document_id, DocumentEntity.entity_id)
            .where(DocumentEntity.document_id.in_(chunk), DocumentEntity.excluded.is_(False))
            .order_by(DocumentEntity.position)
        ):
            links[doc_id].append(entity_id)
    for d in doc_ids:
        if entity_kind(d) in ("equipment", "project"):
            links[d] = [d]
    return links


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
