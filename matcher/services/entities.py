"""Profile pages: what an entity is, the work it is judged by, and the capabilities that work shows.

A researcher's private email is never part of a profile; excluded publications and removed
capabilities are left out, so the page shows exactly what the ranking uses.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from matcher.models import (
    Equipment,
    InstituteProject,
    Lab,
    Organization,
    Researcher,
)
from matcher.repositories import capabilities as capability_queries
from matcher.repositories import documents as document_queries
from matcher.repositories import network as network_queries
from matcher.runtime import Runtime
from matcher.types import entity_kind

from .display import PROJECT_CURRENCY, money, project_status

MAX_DOCUMENTS = 50
MAX_CAPABILITIES = 25
SENTENCES_PER_CAPABILITY = 2


@dataclass(frozen=True)
class ProfileDocument:
    id: str
    kind: str
    title: str
    year: int | None
    url: str | None
    snippet: str
    excluded: bool = False


@dataclass(frozen=True)
class ProfileCapability:
    id: str
    label: str
    weight: float
    sentences: tuple[tuple[str, str], ...]  # (sentence, source title)
    declared: bool = False  # added by the researcher rather than extracted


@dataclass(frozen=True)
class EntityProfile:
    id: str
    kind: str
    name: str
    organization: str | None
    organization_id: str | None
    region: str | None
    description: str | None
    documents: tuple[ProfileDocument, ...]
    capabilities: tuple[ProfileCapability, ...]
    details: dict[str, Any] = field(default_factory=dict)
    related: tuple[tuple[str, str], ...] = ()  # (entity id, name): lab members, an organisation's labs...


def get_profile(runtime: Runtime, entity_id: str) -> EntityProfile | None:
    """The public profile of any entity id, or None when it does not exist (or was merged away)."""
    loaders = {"researcher": _researcher, "lab": _lab, "organization": _organization, "equipment": _equipment,
               "project": _project}
    loader = loaders.get(entity_kind(entity_id))
    if loader is None:
        return None
    with runtime.db.session() as session:
        return loader(session, entity_id)


def _org(session: Session, org_id: str | None) -> Organization | None:
    return session.get(Organization, org_id) if org_id else None


def _documents(session: Session, entity_ids: list[str]) -> list[ProfileDocument]:
    rows = document_queries.documents_of(session, entity_ids, MAX_DOCUMENTS * 2)
    seen: set[str] = set()
    docs = []
    for doc, excluded in rows:
        if doc.id in seen:
            continue
        seen.add(doc.id)
        text = doc.text or ""
        docs.append(ProfileDocument(doc.id, doc.kind, doc.title, doc.year, doc.url,
                                    text[:300] + ("…" if len(text) > 300 else ""), bool(excluded)))
    return docs[:MAX_DOCUMENTS]


def _capabilities(session: Session, holders: list[str], titles: dict[str, str], removed: set[str] = frozenset(),  # type: ignore[assignment]
                  declared_holder: str | None = None) -> list[ProfileCapability]:
    """Capabilities aggregated over the holders' evidence, strongest first, with example sentences."""
    weight: dict[str, float] = defaultdict(float)
    label: dict[str, str] = {}
    sentences: dict[str, list[tuple[str, str]]] = defaultdict(list)
    declared: set[str] = set()
    query_holders = holders + ([declared_holder] if declared_holder else [])
    for ev in capability_queries.evidence_of(session, query_holders):
        if ev.capability_id in removed:
            continue
        weight[ev.capability_id] += ev.weight
        label[ev.capability_id] = ev.capability_label
        if ev.source == "researcher":
            declared.add(ev.capability_id)
        elif len(sentences[ev.capability_id]) < SENTENCES_PER_CAPABILITY and ev.sentence:
            sentences[ev.capability_id].append((ev.sentence[:400], titles.get(ev.entity_id, "")))
    ordered = sorted(weight, key=lambda c: (-weight[c], label[c]))[:MAX_CAPABILITIES]
    return [ProfileCapability(c, label[c], round(weight[c], 2), tuple(sentences[c]), c in declared) for c in ordered]


def _researcher(session: Session, entity_id: str) -> EntityProfile | None:
    r = session.get(Researcher, entity_id)
    if r is None or r.merged_into_id:
        return None
    org = _org(session, r.organization_id)
    lab = session.get(Lab, r.lab_id) if r.lab_id else None
    docs = _documents(session, [r.id])
    counted = [d for d in docs if not d.excluded]
    caps = _capabilities(session, [d.id for d in counted], {d.id: d.title for d in counted},
                         set(r.removed_capabilities or ()), declared_holder=r.id)
    related = ((lab.id, lab.name),) if lab else ()
    return EntityProfile(r.id, "researcher", r.name, org.name if org else None, org.id if org else None,
                         org.region if org else None, r.bio, tuple(counted), tuple(caps),
                         {"orcid": r.orcid, "claimed": r.claimed_by_user_id is not None}, related)


def _lab(session: Session, entity_id: str) -> EntityProfile | None:
    lab = session.get(Lab, entity_id)
    if lab is None:
        return None
    org = _org(session, lab.organization_id)
    members = network_queries.lab_members(session, lab.id)
    docs = _documents(session, [lab.id])
    counted = [d for d in docs if not d.excluded]
    caps = _capabilities(session, [d.id for d in counted], {d.id: d.title for d in counted})
    return EntityProfile(lab.id, "lab", lab.name, org.name if org else None, org.id if org else None,
                         org.region if org else None, lab.description, tuple(counted), tuple(caps),
                         {"members": len(members)}, tuple((m.id, m.name) for m in members))


def _organization(session: Session, entity_id: str) -> EntityProfile | None:
    org = session.get(Organization, entity_id)
    if org is None or org.merged_into_id:
        return None
    labs = network_queries.labs_of(session, org.id)
    docs = _documents(session, [org.id])
    caps = _capabilities(session, [d.id for d in docs], {d.id: d.title for d in docs})
    details = {"kind": org.kind, "city": org.city, "country": org.country, "website": org.website,
               "ror_id": org.ror_id}
    return EntityProfile(org.id, "organization", org.name, None, None, org.region, org.description, tuple(docs),
                         tuple(caps), details, tuple((lab.id, lab.name) for lab in labs))


def _equipment(session: Session, entity_id: str) -> EntityProfile | None:
    eq = session.get(Equipment, entity_id)
    if eq is None:
        return None
    org = _org(session, eq.organization_id)
    caps = _capabilities(session, [eq.id], {eq.id: eq.name})
    details = {"facility": eq.facility, "location": eq.location, "category": eq.category, "status": eq.status,
               "access_terms": eq.access_terms, "url": eq.url}
    return EntityProfile(eq.id, "equipment", eq.name, org.name if org else None, org.id if org else None,
                         eq.region or (org.region if org else None), eq.description, (), tuple(caps), details)


def _project(session: Session, entity_id: str) -> EntityProfile | None:
    p = session.get(InstituteProject, entity_id)
    if p is None:
        return None
    institute = _org(session, p.institute_id)
    caps = _capabilities(session, [p.id], {p.id: p.title})
    participants = document_queries.project_participants(session, p.id)
    status = project_status(p.status, p.start_date, p.end_date, call_open=p.call_open, call_close=p.call_close)
    details = {"acronym": p.acronym, "programme": p.programme, "status": status,
               "start_date": p.start_date.isoformat() if p.start_date else None,
               "end_date": p.end_date.isoformat() if p.end_date else None,
               "call_open": p.call_open.isoformat() if p.call_open else None,
               "call_close": p.call_close.isoformat() if p.call_close else None,
               "total_cost": money(p.total_cost, PROJECT_CURRENCY)}
    name = f"{p.acronym}: {p.title}" if p.acronym else p.title
    return EntityProfile(p.id, "project", name, institute.name if institute else None,
                         institute.id if institute else None, p.region or (institute.region if institute else None),
                         p.description, (), tuple(caps), details, tuple((o.id, o.name) for o in participants))
