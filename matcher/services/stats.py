"""Counts per kind, for `flask index stats` and the health of an import."""
from __future__ import annotations

from sqlalchemy import func, select

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
            query = select(func.count()).select_from(model)
            if name == "firms":
                query = query.where(Organization.kind == "firm")
            counts[name] = int(session.scalar(query) or 0)
        for kind, n in session.execute(select(Document.kind, func.count()).group_by(Document.kind)):
            counts[f"documents_{kind}"] = int(n)
    return counts
