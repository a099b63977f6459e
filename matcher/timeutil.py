"""Stored times are UTC: SQLite hands them back naive, PostgreSQL aware. One reading and one writing rule."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import overload


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: datetime | None) -> datetime | None:
    """A stored time as aware UTC (a naive one was stored in UTC)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def as_utc(value: datetime) -> datetime:
    """Aware UTC for the database: PostgreSQL timestamptz stores the instant, SQLite the UTC wall time."""
    return aware(value).astimezone(timezone.utc)
