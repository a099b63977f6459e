"""Counts per kind, for `flask index stats` and the health of an import."""
from __future__ import annotations

from matcher.models import (
    CapabilityEvidence,
    Document,
    Equipment,
    InstituteProject,
    Lab,
    Match,
    Organization,
    Problem,
    Researcher,
    User,
)
from matcher.repositories import reports
from matcher.runtime import Runtime


def store_counts(runtime: Runtime) -> dict[str, int]:
    """Row counts of every entity kind plus the size of the search index."""
    counted = {
        "organizations": Organization, "firms": Organization, "researchers": Researcher, "labs": Lab,
        "documents": Document, "equipment": Equipment, "projects": InstituteProject, "problems": Problem,
        "capability_evidence": CapabilityEvidence, "matches": Match, "users": User,
    }
    counts: dict[str, int] = {}
    with runtime.db.session() as session:
        for name, model in counted.items():
            counts[name] = reports.row_count(session, model, firms_only=name == "firms")
        for kind, n in reports.documents_per_kind(session).items():
            counts[f"documents_{kind}"] = n
    return counts
