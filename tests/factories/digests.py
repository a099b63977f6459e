"""The digests' world, for digest and profile tests: researchers with dated evidence, problems of every visibility."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.factories import new_problem

from matcher.models import (
    Capability,
    CapabilityEvidence,
    Document,
    DocumentEntity,
    InstituteProject,
    Organization,
    Researcher,
)

NOW = datetime.now(timezone.utc)
LAST_DIGEST = NOW - timedelta(days=8)


def utc(value: datetime) -> datetime:
    """Aware UTC, as the services write it (works on SQLite and PostgreSQL alike)."""
    return value.astimezone(timezone.utc)


def read_utc(value: datetime | None) -> datetime | None:
    """SQLite gives naive UTC back, PostgreSQL aware: compare as aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


CAPABILITIES = [
    ("core:welding", "Welding and joining", None),
    ("core:laser-welding", "Laser welding", "core:welding"),
    ("core:corrosion", "Corrosion", None),
    ("core:machine-learning", "Machine learning and AI", None),
    ("core:additive-manufacturing", "Additive manufacturing", None),
    ("core:composites", "Composites", None),
]


def add_capabilities(session: Any) -> None:
    for cid, label, parent in CAPABILITIES:
        session.add(Capability(id=cid, label=label, parent_id=parent, scheme="innobridge_core", synonyms=[]))


def add_researcher(session: Any, rid: str, name: str, email: str | None, *, frequency: str = "weekly",
                   last: datetime | None = LAST_DIGEST, evidence: list[tuple[str, str, str, int]] = ()) -> Researcher:
    """evidence: (capability_id, label, sentence, year); one publication per row."""
    researcher = Researcher(id=rid, name=name, name_key=name.lower(), email=email, digest_frequency=frequency,
                            last_digest_at=utc(last) if last else None)
    session.add(researcher)
    for i, (cid, label, sentence, year) in enumerate(evidence):
        doc_id = f"publication:{rid.split(':')[1]}-{i}"
        session.add(Document(id=doc_id, kind="publication", title=f"{label} study {i}", text=sentence, year=year))
        session.flush()
        session.add(DocumentEntity(document_id=doc_id, entity_id=rid, entity_kind="researcher", position=0))
        # As the importer stores it: extracted evidence belongs to the document, shared by its authors.
        session.add(CapabilityEvidence(entity_id=doc_id, capability_id=cid, capability_label=label, document_id=doc_id,
                                       start=0, end=len(label), sentence=sentence, weight=1.0, source="extracted"))
    return researcher


def _problem(session: Any, pid: str, title: str, text: str, *, visibility: str = "public",
             created: datetime | None = None) -> None:
    """A firm's (Acme's) problem, posted a day ago unless `created` says otherwise."""
    new_problem(session, pid, title, text, visibility=visibility, organization_id="org:acme", region=None,
                created_at=utc(created or NOW - timedelta(days=1)))


@dataclass(frozen=True)
class World:
    ada: str = "researcher:ada"
    grace: str = "researcher:grace"
    idle: str = "researcher:idle"
    offline: str = "researcher:off"


def seed_world(runtime: Any, *, researchers: int = 0) -> World:
    """Two matching opted-in researchers, one with nothing new, one opted out; problems of every visibility."""
    with runtime.db.session() as s:
        add_capabilities(s)
        s.add(Organization(id="org:acme", name="Acme Secret Metalworks", name_key="acme secret metalworks",
                           kind="firm"))
        s.add(Organization(id="org:inst", name="Fraunhofer Demo Institute", name_key="fraunhofer demo institute",
                           kind="research_institute"))
        s.flush()
        add_researcher(s, "researcher:ada", "Ada Lovelace", "ada.lovelace@example.org", evidence=[
            ("core:laser-welding", "Laser welding", "We developed laser welding of thin aluminium sheets.", NOW.year - 1),
            ("core:corrosion", "Corrosion", "Pitting corrosion of welded joints was measured in seawater.", NOW.year - 2),
        ])
        add_researcher(s, "researcher:grace", "Grace Hopper", "grace.hopper@example.org", evidence=[
            ("core:machine-learning", "Machine learning and AI",
             "Deep learning models predict porosity from melt pool images.", NOW.year - 1),
        ])
        add_researcher(s, "researcher:idle", "Idle Composites", "idle.composites@example.org", evidence=[
            ("core:composites", "Composites", "Carbon fibre composites for aircraft.", NOW.year - 1),
        ])
        add_researcher(s, "researcher:off", "Opted Out", "opted.out@example.org", frequency="off", evidence=[
            ("core:laser-welding", "Laser welding", "Laser welding again.", NOW.year - 1),
        ])
        for i in range(researchers):
            add_researcher(s, f"researcher:bulk{i:02d}", f"Bulk Welder{i:02d}", f"bulk{i:02d}@example.org", evidence=[
                ("core:laser-welding", "Laser welding", f"Laser welding trial number {i}.", NOW.year - 1),
            ])
        _problem(s, "problem:public", "Laser welding of battery housings",
                    "We need reliable laser welding of aluminium battery housings for e-bikes.")
        _problem(s, "problem:anon", "Corrosion in coastal installations",
                    "Our galvanised frames show corrosion after two winters near the sea.", visibility="anonymous")
        _problem(s, "problem:private", "Secret laser welding of titanium implants",
                    "Confidential: laser welding of titanium implants for our new product line.",
                    visibility="private")
        _problem(s, "problem:old", "Old laser welding question", "Laser welding of copper busbars.",
                    created=NOW - timedelta(days=30))
        _problem(s, "problem:unrelated", "Better cookie marketing", "We want to sell more cookies online.")
        s.add(InstituteProject(id="project:ml", acronym="SMARTWELD", title="Machine learning for process monitoring",
                               description="Deep learning on melt pool camera images to detect defects.",
                               institute_id="org:inst", region="Bavaria",
                               created_at=utc(NOW - timedelta(days=2))))
    return World()
