"""The one write that merging two records needs in every table: point rows of the duplicate at the survivor."""
from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session


def repoint(session: Session, column: Any, old: str, new: str) -> int:
    """Set `column` (a mapped attribute, e.g. User.researcher_id) from `old` to `new` in one UPDATE; rows changed."""
    return session.execute(update(column.class_).where(column == old).values({column.key: new})).rowcount or 0
