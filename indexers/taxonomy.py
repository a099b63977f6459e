"""Copy the capability taxonomy (a data file in the core) into SQL, where profiles and filters look it up."""
from __future__ import annotations

from sqlalchemy import func, select

from matcher.capabilities.taxonomy import get_taxonomy
from matcher.models import Capability
from matcher.runtime import Runtime


def sync_taxonomy(runtime: Runtime) -> int:
    """Upsert every taxonomy capability; returns how many rows were added or changed."""
    changed = 0
    with runtime.db.session() as session:
        existing = {c.id: c for c in session.scalars(select(Capability))}
        for cap in get_taxonomy():
            row = existing.get(cap.id)
            values = {"label": cap.label, "parent_id": cap.parent_id, "scheme": cap.scheme,
                      "synonyms": list(cap.synonyms)}
            if row is None:
                session.add(Capability(id=cap.id, **values))
                changed += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                changed += 1
    return changed


def ensure_taxonomy(runtime: Runtime) -> None:
    """Load the taxonomy once, the first time anything is imported."""
    with runtime.db.session() as session:
        present = session.scalar(select(func.count()).select_from(Capability))
    if not present:
        sync_taxonomy(runtime)
