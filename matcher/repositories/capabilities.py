"""Queries on the capability taxonomy and the evidence rows that tie capabilities to entities."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import Capability


def taxonomy_edges(session: Session) -> list[tuple[str, str, str | None]]:
    """(id, label, parent id) of every taxonomy node."""
    return [(cid, label, parent) for cid, label, parent in
            session.execute(select(Capability.id, Capability.label, Capability.parent_id))]
