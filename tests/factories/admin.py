"""The coordinators' world, for the admin and coordinator-flow tests: a firm, a university with a lab, two
researchers, staff users, and a public and an anonymous problem with stored suggested matches."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from matcher.models import Lab, Match, Organization, Problem, Researcher
from tests.factories import new_user


@dataclass(frozen=True)
class World:
    coordinator_id: int
    admin_id: int
    sme_id: int
    researcher_user_id: int
    problem_id: str
    anonymous_problem_id: str
    match_ids: tuple[int, ...]  # on the public problem: researcher A, researcher B, the lab
    anonymous_match_id: int


def build_world(runtime: Any) -> World:
    """Insert the fixture network through the models (the matcher is not needed to curate stored matches)."""
    posted = datetime.now(timezone.utc) - timedelta(days=10)
    with runtime.db.session() as session:
        firm = Organization(id="organization:firm", name="Acme Gears", name_key="acme gears", kind="firm",
                            region="Bavaria")
        uni = Organization(id="organization:uni", name="Tech University", name_key="tech university",
                           kind="university", region="Bavaria")
        session.add_all([firm, uni])
        session.flush()
        lab = Lab(id="lab:tribo", name="Tribology Lab", organization_id=uni.id)
        session.add(lab)
        session.flush()
        session.add_all([
            Researcher(id="researcher:a", name="Ada Lovelace", name_key="ada lovelace", email="ada@uni.example",
                       organization_id=uni.id),
            Researcher(id="researcher:b", name="Bob Builder", name_key="bob builder", email="bob@uni.example",
                       organization_id=uni.id, lab_id=lab.id),
        ])
        coordinator = new_user(session, "coord@innobridge.example", "coordinator")
        admin = new_user(session, "admin@innobridge.example", "admin")
        sme = new_user(session, "owner@acme.example", "sme", organization_id=firm.id)
        researcher_user = new_user(session, "ada-login@uni.example", "researcher", researcher_id="researcher:a")
        problem = Problem(id="problem:gears", title="Gear wear at high load",
                          text="Our gearboxes wear quickly under high load; we need better coatings.",
                          region="Bavaria", visibility="public", owner_user_id=sme.id, organization_id=firm.id,
                          status="new", created_at=posted)
        anonymous = Problem(id="problem:anon", title="Secret welding issue", text="Cracks appear after welding.",
                            region="Saxony", visibility="anonymous", owner_user_id=sme.id, status="new",
                            created_at=posted)
        session.add_all([problem, anonymous])
        session.flush()
        rows = [
            Match(problem_id=problem.id, entity_id="researcher:a", entity_kind="researcher", entity_name="Ada Lovelace",
                  rank=1, score=0.9, components={"lexical": 0.6, "semantic": 0.3}, capabilities=["Coatings"],
                  evidence=[{"text": "Wear-resistant coatings for gears", "source": "publication"}]),
            Match(problem_id=problem.id, entity_id="researcher:b", entity_kind="researcher", entity_name="Bob Builder",
                  rank=2, score=0.5, components={"lexical": 0.4, "semantic": 0.1}, capabilities=["Welding"]),
            Match(problem_id=problem.id, entity_id="lab:tribo", entity_kind="lab", entity_name="Tribology Lab",
                  rank=3, score=0.4, components={"lexical": 0.3, "semantic": 0.1}, capabilities=["Tribology"]),
            Match(problem_id=anonymous.id, entity_id="researcher:a", entity_kind="researcher",
                  entity_name="Ada Lovelace", rank=1, score=0.7, components={"lexical": 0.7}, capabilities=["Welding"]),
        ]
        session.add_all(rows)
        session.flush()
        return World(coordinator_id=coordinator.id, admin_id=admin.id, sme_id=sme.id,
                     researcher_user_id=researcher_user.id, problem_id=problem.id, anonymous_problem_id=anonymous.id,
                     match_ids=(rows[0].id, rows[1].id, rows[2].id), anonymous_match_id=rows[3].id)
