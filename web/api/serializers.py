"""JSON shapes of the API; each mirrors a schema in openapi.py (a test keeps them in step)."""
from __future__ import annotations

from typing import Any

from matcher.services.problems import ProblemView, StoredMatch
from matcher.types import Evidence, Match


def evidence_json(evidence: Evidence) -> dict[str, Any]:
    return {"text": evidence.text, "source": evidence.source}


def search_item_json(match: Match) -> dict[str, Any]:
    return {
        "id": match.entity_id, "kind": match.entity_kind, "name": match.name, "score": round(float(match.score), 6),
        "capabilities": list(match.capabilities), "evidence": [evidence_json(e) for e in match.evidence],
    }


def problem_json(problem: ProblemView) -> dict[str, Any]:
    return {
        "id": problem.id, "title": problem.title, "text": problem.text, "region": problem.region,
        "budget": problem.budget, "timeline": problem.timeline, "trl": problem.trl,
        "visibility": problem.visibility, "status": problem.status,
        "organization": problem.organization,
        "created_at": problem.created_at.isoformat() if problem.created_at else None,
    }


def match_json(match: StoredMatch) -> dict[str, Any]:
    return {
        "id": match.id, "entity_id": match.entity_id, "kind": match.entity_kind, "name": match.name,
        "rank": match.rank, "score": round(float(match.score), 6), "stage": match.stage,
        "components": {k: float(v) for k, v in match.components.items()},
        "capabilities": list(match.capabilities), "evidence": [evidence_json(e) for e in match.evidence],
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def profile_json(entity_id: str, profile: Any) -> dict[str, Any]:
    """Public fields of an entity profile, listed one by one so a private field (email) can never slip out."""
    documents = []
    for doc in getattr(profile, "documents", ()) or ():
        documents.append({"id": _text(getattr(doc, "id", None)), "kind": _text(getattr(doc, "kind", None)),
                          "title": str(getattr(doc, "title", "")), "year": getattr(doc, "year", None)})
    capabilities = []
    for cap in getattr(profile, "capabilities", ()) or ():
        sentences = getattr(cap, "evidence", None) or getattr(cap, "sentences", ()) or ()
        capabilities.append({
            "id": _text(getattr(cap, "id", None) or getattr(cap, "capability_id", None)),
            "label": str(getattr(cap, "label", "")),
            "evidence": [str(getattr(s, "text", s)) for s in sentences][:5],
        })
    return {
        "id": entity_id, "kind": str(getattr(profile, "kind", entity_id.split(":", 1)[0])),
        "name": str(getattr(profile, "name", "")), "organization": _text(getattr(profile, "organization", None)),
        "region": _text(getattr(profile, "region", None)), "capabilities": capabilities, "documents": documents,
    }
