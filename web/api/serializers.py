"""JSON shapes of the API; each mirrors a schema in openapi.py (a test keeps them in step)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from matcher.capabilities.shown import shown_labels
from matcher.ranking.bands import band_of
from matcher.ranking.team import Team
from matcher.services.entities import EntityProfile
from matcher.services.problems import ProblemView, StoredMatch
from matcher.services.requests import RequestStatus
from matcher.types import Evidence, Match


def evidence_json(evidence: Evidence) -> dict[str, Any]:
    """The sentence, the English source line, and the document apart so a client can link and translate it
    (null for matches stored before the kind was kept)."""
    return {"text": evidence.text, "source": evidence.source, "document_id": evidence.document_id,
            "document_kind": evidence.document_kind or None, "document_title": evidence.document_title or None,
            "year": evidence.year}


def search_item_json(match: Match) -> dict[str, Any]:
    return {
        "id": match.entity_id, "kind": match.entity_kind, "name": match.name, "band": band_of(match.score),
        "score": round(float(match.score), 6),
        "capabilities": list(match.capabilities), "evidence": [evidence_json(e) for e in match.evidence],
    }


def team_json(team: Team | None) -> dict[str, Any] | None:
    """The suggested team with each member's reason, capabilities as id and label."""
    if team is None:
        return None
    labels = shown_labels(team.capabilities)

    def caps(ids: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"id": c, "label": labels[c]} for c in ids]

    return {"capabilities": caps(team.capabilities), "covered": list(team.covered), "uncovered": list(team.uncovered),
            "best_single": team.best_single,
            "members": [{"role": m.role, "id": m.match.entity_id, "kind": m.match.entity_kind, "name": m.match.name,
                         "reason": m.reason, "adds": caps(m.adds), "shares": caps(m.shares)} for m in team.members]}


def problem_json(problem: ProblemView) -> dict[str, Any]:
    return {
        "id": problem.id, "title": problem.title, "text": problem.text, "region": problem.region,
        "budget": problem.budget, "timeline": problem.timeline, "trl": problem.trl,
        "visibility": problem.visibility, "status": problem.status,
        "organization": problem.organization,
        "created_at": utc_iso(problem.created_at),
    }


def utc_iso(value: datetime | None) -> str | None:
    """One format whatever the database returned: SQLite gives naive UTC, PostgreSQL aware local time."""
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).isoformat()


def match_json(match: StoredMatch) -> dict[str, Any]:
    return {
        "id": match.id, "entity_id": match.entity_id, "kind": match.entity_kind, "name": match.name,
        "rank": match.rank, "band": band_of(match.score), "score": round(float(match.score), 6), "stage": match.stage,
        "components": {k: float(v) for k, v in match.components.items()},
        "capabilities": list(match.capabilities), "evidence": [evidence_json(e) for e in match.evidence],
    }


def profile_json(entity_id: str, profile: EntityProfile) -> dict[str, Any]:
    """Public fields of an entity profile, listed one by one so a private field (email) can never slip out."""
    documents = [{"id": d.id, "kind": d.kind, "title": d.title, "year": d.year} for d in profile.documents]
    capabilities = [{"id": c.id, "label": c.label, "evidence": [sentence for sentence, _ in c.sentences][:5]}
                    for c in profile.capabilities]
    return {
        "id": entity_id, "kind": profile.kind, "name": profile.name, "organization": profile.organization,
        "region": profile.region, "capabilities": capabilities, "documents": documents,
    }


def request_json(item: RequestStatus) -> dict[str, Any]:
    return {
        "id": item.id, "kind": item.kind, "entity_id": item.entity_id, "name": item.entity_name,
        "problem_id": item.problem_id, "stage": item.stage, "requested_at": item.requested_at.isoformat(),
        "introduced_at": item.introduced_at.isoformat() if item.introduced_at else None,
        "consented": item.consented, "nda_requested": item.nda_requested, "next_step": item.next_step,
        "holder": item.holder,
    }
