"""Curation partners found by the matcher: search for candidates, store suggestions, add a chosen partner.

Kept apart from the other decisions because these are the only ones that run the matcher, and they
create Match rows rather than change an existing one.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from matcher.models import Equipment, InstituteProject, Lab, Match, Organization, Problem, Researcher
from matcher.repositories import problems as problem_queries
from matcher.runtime import Runtime

from . import audit
from .curation_errors import CurationError
from .outcomes import NotFound, record_event
from .problems import suggested_match

PARTNER_TABLES: dict[str, Any] = {
    "researcher": Researcher, "lab": Lab, "organization": Organization, "equipment": Equipment,
    "project": InstituteProject,
}


@dataclass(frozen=True)
class Candidate:
    """A partner found by a coordinator's search, not yet a match of the problem."""

    entity_id: str
    entity_kind: str
    name: str
    score: float
    organization: str | None
    region: str | None
    capabilities: tuple[str, ...]


def search_partners(runtime: Runtime, problem_id: str, query: str, *, kinds: Sequence[str] | None = None,
                    limit: int = 10) -> list[Candidate]:
    """Candidates for `query` that are not yet matches of the problem."""
    from matcher.services.matching import match as run_match

    query = (query or "").strip()[:2000]
    if not query:
        return []
    with runtime.db.session() as session:
        if session.get(Problem, problem_id) is None:
            raise NotFound(problem_id)
        existing = problem_queries.matched_entity_ids(session, problem_id)
    kinds = [k for k in (kinds or ()) if k in ("researcher", "lab", "organization", "equipment", "project")] or None
    result = run_match(runtime, query, kinds=kinds, limit=limit, exclude_entity_ids=existing)
    return [Candidate(entity_id=m.entity_id, entity_kind=m.entity_kind, name=m.name, score=float(m.score),
                      organization=m.organization, region=m.region, capabilities=tuple(m.capabilities))
            for m in result.matches]


def _entity(session: Session, entity_id: str) -> tuple[str, str] | None:
    """(kind, display name) of an existing, unmerged entity, or None."""
    kind = entity_id.split(":", 1)[0]
    table = PARTNER_TABLES.get(kind)
    row = session.get(table, entity_id) if table is not None else None
    if row is None or getattr(row, "merged_into_id", None):
        return None
    name = getattr(row, "name", None) or getattr(row, "acronym", None) or getattr(row, "title", "") or entity_id
    return kind, str(name)


def suggest_matches(runtime: Runtime, problem_id: str, user_id: int | None, *, limit: int = 20) -> int:
    """Run the matcher for a problem and store the candidates it does not have yet (e.g. imported problems
    that were never matched); returns how many were added."""
    from matcher.services.matching import match as run_match

    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None:
            raise NotFound(problem_id)
        text = f"{problem.title}\n{problem.text}"
        existing = set(problem_queries.matched_entity_ids(session, problem_id))
    result = run_match(runtime, text, limit=limit)
    added = 0
    with runtime.db.session() as session:
        for rank, found in enumerate(result.matches, start=1):
            if found.entity_id in existing:
                continue
            existing.add(found.entity_id)
            session.add(suggested_match(problem_id, rank, found))
            added += 1
        audit.record(session, user_id, "problem.suggest", "problem", problem_id, {}, {"added": added})
    return added


def add_partner(runtime: Runtime, problem_id: str, entity_id: str, user_id: int | None,
                query: str | None = None) -> int:
    """Add a partner the coordinator found by search as a match (added_by="coordinator").

    The features are recomputed from the matcher for the problem's text, so the label stays
    comparable with the matcher's own suggestions.
    """
    from matcher.services.matching import match as run_match

    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None:
            raise NotFound(problem_id)
        entity = _entity(session, entity_id)
        if entity is None:
            raise CurationError("no such partner")
        if problem_queries.match_id_for(session, problem_id, entity_id):
            raise CurationError("this partner is already a match of the problem")
        text = f"{problem.title}\n{problem.text}"
    found = None
    for text_query in filter(None, (text, query)):
        result = run_match(runtime, text_query, kinds=[entity[0]], limit=200)
        found = next((m for m in result.matches if m.entity_id == entity_id), None)
        if found is not None:
            break
    with runtime.db.session() as session:
        row = Match(
            problem_id=problem_id, entity_id=entity_id, entity_kind=entity[0], entity_name=entity[1][:500],
            rank=None, score=float(found.score) if found else 0.0,
            components={k: float(v) for k, v in found.components.items()} if found else {},
            evidence=[e.to_json() for e in found.evidence] if found else [],
            capabilities=list(found.capabilities) if found else [], stage="suggested", added_by="coordinator",
        )
        session.add(row)
        session.flush()
        record_event(session, row, user_id, "add", stage="suggested", note=(query or "").strip()[:500] or None,
                     before={})
        return row.id
