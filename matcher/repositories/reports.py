"""Counting queries across aggregates, for `flask index stats`."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.models import Document, Organization
from matcher.models.base import Base


def row_count(session: Session, model: type[Base], *, firms_only: bool = False) -> int:
    query = select(func.count()).select_from(model)
    if firms_only:
        query = query.where(Organization.kind == "firm")
    return int(session.scalar(query) or 0)


def documents_per_kind(session: Session) -> dict[str, int]:
    return {kind: int(n) for kind, n in session.execute(select(Document.kind, func.count()).group_by(Document.kind))}
