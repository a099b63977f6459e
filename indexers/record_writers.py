"""Per-kind record writers: how each parsed record (firm, publication, award, equipment, project, problem)
becomes organisations, people, labs and documents.

Kept apart from StoreWriter, which knows rows, caches and batching but not the record kinds:
RecordWriters is mixed into it and maps one record onto the writer's row-level methods (organization,
lab, researcher, document, flush, _attach_lab, _entity_evidence) and its session. WRITERS dispatches
on the record's type.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexers.keys import stable_id
from indexers.sources.records import (
    AwardRecord,
    EquipmentRecord,
    FirmRecord,
    Person,
    ProblemRecord,
    ProjectRecord,
    PublicationRecord,
)
from matcher.models import Equipment, InstituteProject, Problem, ProjectParticipant
from matcher.regions import normalise_region

FIRM_NAME = re.compile(r"\b(inc|llc|l\.l\.c|corp|corporation|ltd|co|company|gmbh|technologies)\b\.?", re.IGNORECASE)


class RecordWriters:
    """The per-kind half of StoreWriter: one method per record type, called through write()."""

    def write(self, record: Any) -> None:
        WRITERS[type(record)](self, record)

    def _firm(self, rec: FirmRecord) -> None:
        oid = self.organization(rec.name, kind="firm", country=rec.country or "US", region=rec.region, city=rec.city,
                                website=rec.website, description=rec.description)
        self.touched_entities.add(oid)
        for doc in rec.documents:
            self.document(stable_id("document", f"firm-doc:{doc.key}"), kind="award", title=doc.title, text=doc.text,
                          year=doc.year, url=doc.url, source=doc.agency, links=[(oid, "organization", "awardee")],
                          extra={"award_id": doc.key, "amount": doc.amount})

    def _people(self, people: Iterable[Person], default_org: str | None, lab_id: str | None = None,
                kind: str = "researcher") -> list[tuple[str, str, str | None]]:
        links: list[tuple[str, str, str | None]] = []
        for person in people:
            org = default_org
            if person.institution or person.ror_id:
                org = self.organization(person.institution or person.ror_id or "", kind="university",
                                        ror_id=person.ror_id, country=person.country)
            links.append((self.researcher(person, org, lab_id), kind, person.role))
        return links

    def _publication(self, rec: PublicationRecord) -> None:
        links = self._people(rec.authors, None)
        self.document(stable_id("document", f"pub:{rec.key}"), kind="publication", title=rec.title,
                      text=publication_text(rec),
                      links=links, year=rec.year, venue=rec.venue, doi=rec.doi,
                      url=f"https://doi.org/{rec.doi}" if rec.doi else None, source="publication",
                      extra={"openalex_id": rec.openalex_id, "topics": list(rec.topics)})

    def _award(self, rec: AwardRecord) -> None:
        org = None
        is_firm = bool(rec.institution and FIRM_NAME.search(rec.institution))
        if rec.institution:
            org = self.organization(rec.institution, kind="firm" if is_firm else "university",
                                    country=_country(rec.country), region=rec.region, city=rec.city)
        lab_id = None
        if org and rec.division and not is_firm:
            # Awards name no lab: the investigators of one institution funded by one division form its lab.
            lab_id = self.lab(f"{rec.institution} — {rec.division} research group", org)
        links = self._people(rec.investigators, org, lab_id)
        for rid, _, _ in links:
            self._attach_lab(rid, lab_id)
        if lab_id:
            links.append((lab_id, "lab", "lab"))
        self.document(stable_id("document", f"award:{rec.key}"), kind="award", title=rec.title,
                      text=rec.abstract or "", links=links, year=rec.start_year, source=rec.funder or "award",
                      url=_award_url(rec), extra={"award_id": rec.award_id, "amount": rec.amount,
                                                  "division": rec.division, "programs": list(rec.programs)})

    def _equipment(self, rec: EquipmentRecord) -> None:
        org = self.organization(rec.institution, kind="university") if rec.institution else None
        eid = stable_id("equipment", rec.key)
        values = dict(name=rec.name[:500], organization_id=org, facility=rec.facility, location=rec.location,
                      region=normalise_region(rec.location), category=rec.category, description=rec.description,
                      access_terms=rec.access, status=rec.status, url=rec.url, source=rec.licence)
        self.flush()
        if _upsert(self.session, Equipment, eid, values):
            self._entity_evidence(eid, rec.name, equipment_text(rec))
        self.touched_entities.add(eid)

    def _project(self, rec: ProjectRecord) -> None:
        institute = self.organization(rec.institute, kind="innovation_institute") if rec.institute else None
        pid = stable_id("project", rec.key)
        values = dict(acronym=rec.acronym, title=rec.title, description=rec.description, institute_id=institute,
                      programme=rec.programme, status=rec.status, start_date=rec.start_date, end_date=rec.end_date,
                      call_open=rec.call_open, call_close=rec.call_close, total_cost=rec.cost, source="import")
        self.flush()
        if _upsert(self.session, InstituteProject, pid, values):
            self._entity_evidence(pid, rec.title, rec.description or "")
            for name in rec.participants:
                org = self.organization(name, kind="other")
                exists = self.session.scalar(select(ProjectParticipant.id).where(
                    ProjectParticipant.project_id == pid, ProjectParticipant.organization_id == org))
                if exists is None:
                    self.session.add(ProjectParticipant(project_id=pid, organization_id=org, role="participant"))
        self.touched_entities.add(pid)

    def _problem(self, rec: ProblemRecord) -> None:
        pid = stable_id("problem", rec.key)
        self.flush()
        values = dict(title=rec.title[:500], text=rec.text, region=normalise_region(rec.region), visibility=rec.visibility or "public",
                      source=rec.owner or "import")
        _upsert(self.session, Problem, pid, values)


def publication_text(rec: PublicationRecord) -> str:
    """A publication's stored (and extracted) text: its abstract, then its keywords."""
    text = rec.abstract or ""
    if rec.keywords:
        text = f"{text}\nKeywords: {'; '.join(rec.keywords)}".strip()
    return text


def equipment_text(rec: EquipmentRecord) -> str:
    """The text an instrument's capabilities are extracted from: its name, category and description."""
    return " ".join(p for p in (rec.name, rec.category, rec.description) if p)


def _upsert(session: Session, model: type, row_id: str, values: dict[str, Any]) -> bool:
    """Insert or update one row by id; returns True if anything was written."""
    existing = session.get(model, row_id)
    if existing is None:
        session.add(model(id=row_id, **values))
        return True
    changed = False
    for key, value in values.items():
        if getattr(existing, key) != value:
            setattr(existing, key, value)
            changed = True
    return changed


def _country(value: str | None) -> str | None:
    if not value:
        return None
    return {"united states": "US", "usa": "US"}.get(value.strip().lower(), value.strip()[:8])


def _award_url(rec: AwardRecord) -> str | None:
    if (rec.funder or "").upper().startswith("NSF") or rec.division:
        return f"https://www.nsf.gov/awardsearch/showAward?AWD_ID={rec.award_id}"
    return None


WRITERS: dict[type, Any] = {
    FirmRecord: RecordWriters._firm,
    PublicationRecord: RecordWriters._publication,
    AwardRecord: RecordWriters._award,
    EquipmentRecord: RecordWriters._equipment,
    ProjectRecord: RecordWriters._project,
    ProblemRecord: RecordWriters._problem,
}
