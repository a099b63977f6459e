"""The site's world, for the site, API, access-matrix and browser tests: a small network built from the models.

Entities carry text about welding, coatings and composites so a search has something to rank and
capability evidence to show. The index is rebuilt from SQL, as in production.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from matcher.models import (
    CapabilityEvidence, Document, DocumentEntity, Equipment, InstituteProject, Lab, Organization, Researcher,
)
from matcher.runtime import Runtime

RESEARCHER_EMAIL = "ada.weld@uni.example.edu"


@dataclass
class World:
    organization_id: str = "organization:uni-north"
    firm_id: str = "organization:acme-firm"
    lab_id: str = "lab:joining"
    researcher_id: str = "researcher:ada"
    other_researcher_id: str = "researcher:bob"
    equipment_id: str = "equipment:laser-cell"
    project_id: str = "project:lightjoin"
    users: dict[str, int] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    match_id: int | None = None


def _sentence_evidence(entity_id: str, document_id: str | None, text: str, phrase: str, cap_id: str,
                       label: str) -> CapabilityEvidence:
    start = text.lower().index(phrase.lower())
    return CapabilityEvidence(entity_id=entity_id, capability_id=cap_id, capability_label=label,
                              document_id=document_id, start=start, end=start + len(phrase), sentence=text,
                              weight=1.0, source="extracted")


def seed_entities(runtime: Runtime, world: World | None = None) -> World:
    """Organisations, a lab, two researchers, equipment, a project and their documents."""
    world = world or World()
    pub1 = ("Porosity control in laser welding of aluminium battery housings. We reduce porosity in laser "
            "welding of aluminium alloys with beam oscillation and shielding gas control.")
    pub2 = "Corrosion resistant coatings for offshore steel structures using thermal spray."
    eq_text = "Fibre laser welding cell with seam tracking for aluminium and steel joining."
    proj_text = "Lightweight joining of aluminium and composites for electric vehicle battery trays."
    with runtime.db.session() as s:
        s.add_all([
            Organization(id=world.organization_id, name="University of the North", name_key="university of the north",
                         kind="university", region="North"),
            Organization(id=world.firm_id, name="Acme Castings Ltd", name_key="acme castings", kind="firm",
                         region="South"),
        ])
        s.flush()
        s.add(Lab(id=world.lab_id, name="Joining Technologies Lab", organization_id=world.organization_id,
                  description="Laser and friction stir welding of light metals."))
        s.flush()
        s.add_all([
            Researcher(id=world.researcher_id, name="Ada Welder", name_key="ada welder", email=RESEARCHER_EMAIL,
                       organization_id=world.organization_id, lab_id=world.lab_id),
            Researcher(id=world.other_researcher_id, name="Bob Coater", name_key="bob coater",
                       email="bob.coat@uni.example.edu", organization_id=world.organization_id),
        ])
        s.add(Equipment(id=world.equipment_id, name="Fibre laser welding cell", organization_id=world.organization_id,
                        lab_id=world.lab_id, region="North", category="laser welding", description=eq_text,
                        status="available"))
        s.add(InstituteProject(id=world.project_id, acronym="LIGHTJOIN", title="Lightweight joining for e-mobility",
                               description=proj_text, institute_id=world.organization_id, status="running",
                               region="North"))
        s.flush()
        d1 = Document(id="document:porosity", kind="publication", title="Porosity control in laser welding",
                      text=pub1, year=2023, venue="Journal of Joining")
        d1.links = [DocumentEntity(entity_id=world.researcher_id, entity_kind="researcher", position=0),
                    DocumentEntity(entity_id=world.lab_id, entity_kind="lab", position=1)]
        d2 = Document(id="document:coatings", kind="publication", title="Offshore coatings", text=pub2, year=2021)
        d2.links = [DocumentEntity(entity_id=world.other_researcher_id, entity_kind="researcher", position=0)]
        s.add_all([d1, d2])
        s.flush()
        s.add_all([
            _sentence_evidence(world.researcher_id, d1.id, pub1, "laser welding", "core:laser-welding", "Laser welding"),
            _sentence_evidence(world.lab_id, d1.id, pub1, "laser welding", "core:laser-welding", "Laser welding"),
            # documents hold the capabilities found in them (the index reads these)
            _sentence_evidence(d1.id, d1.id, pub1, "laser welding", "core:laser-welding", "Laser welding"),
            _sentence_evidence(d1.id, d1.id, pub1, "porosity", "core:porosity", "Porosity and defects"),
            _sentence_evidence(d2.id, d2.id, pub2, "thermal spray", "core:thermal-spray", "thermal spray"),
            _sentence_evidence(world.other_researcher_id, d2.id, pub2, "thermal spray", "core:thermal-spray",
                               "thermal spray"),
            _sentence_evidence(world.equipment_id, None, eq_text, "laser welding", "core:laser-welding",
                               "laser welding"),
            _sentence_evidence(world.project_id, None, proj_text, "joining", "core:joining", "Joining"),
        ])
    return world


def add_team_capabilities(runtime: Runtime, world: World) -> None:
    """The project's text names composites and battery trays: give it those capabilities, so that a problem
    about porous laser welds in composite battery trays needs a team (Ada + the project), not one hit."""
    text = "Lightweight joining of aluminium and composites for electric vehicle battery trays."
    with runtime.db.session() as s:
        s.add_all([_sentence_evidence(world.project_id, None, text, phrase, cap, label) for phrase, cap, label in (
            ("composites", "core:composites", "Composites"), ("battery", "core:energy-storage", "Batteries"),
            ("aluminium", "core:aluminium-alloys", "Aluminium alloys"))])
    runtime.data_changed()  # as an import does (its indexing moves the data generation the pages' rows are kept by)

