"""The audit trail: who changed what, when, with the state before and after.

Every curation decision, outcome step, edit and merge writes one row here, in the same
transaction as the change itself, so the log can never disagree with the data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy.orm import Session

from matcher.models import AuditLog
from matcher.repositories import operations as queries
from matcher.runtime import Runtime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    user_id: int | None
    user_email: str | None
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    note: str | None

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for each field whose value differs, as short readable text."""
        keys = list(dict.fromkeys([*self.before, *self.after]))
        return [(k, _readable(self.before.get(k)), _readable(self.after.get(k)))
                for k in keys if self.before.get(k) != self.after.get(k)]


def _readable(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_readable(v) for v in value)
    if isinstance(value, float) and value == int(value):
        return f"{int(value):,}"
    if isinstance(value, (int, float)):
        return f"{value:,}"
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


@dataclass(frozen=True)
class AuditFilter:
    """Every field optional; `user` matches an id or part of an email, `target` part of a target id."""

    user: str | None = None
    action: str | None = None
    target: str | None = None
    since: date | None = None
    until: date | None = None


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def record(session: Session, user_id: int | None, action: str, target_type: str, target_id: str,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           note: str | None = None) -> AuditLog:
    """Add an audit row to the caller's session: it commits or rolls back with the change it describes."""
    row = AuditLog(user_id=user_id, action=action[:64], target_type=target_type[:32], target_id=str(target_id)[:64],
                   before=_jsonable(before or {}), after=_jsonable(after or {}), note=note)
    session.add(row)
    return row


def _like(text: str) -> str:
    """A LIKE pattern that matches `text` literally (user input never becomes a wildcard)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def actions(runtime: Runtime) -> list[str]:
    """The distinct actions seen so far, for the filter's drop-down."""
    with runtime.db.session() as session:
        return queries.audit_actions(session)


def list_entries(runtime: Runtime, flt: AuditFilter | None = None, *, limit: int = 100,
                 offset: int = 0) -> tuple[list[AuditEntry], int]:
    """Audit rows, newest first, filtered; returns (page, total)."""
    flt = flt or AuditFilter()
    user = (flt.user or "").strip()
    with runtime.db.session() as session:
        rows, total = queries.audit_page(
            session, user_id=int(user) if flt.user and user.isdigit() else None,
            email_like=_like(user.lower()) if flt.user and not user.isdigit() else None,
            action=flt.action.strip() if flt.action else None,
            target_like=_like(flt.target.strip()) if flt.target else None,
            since=datetime.combine(flt.since, time.min, tzinfo=timezone.utc) if flt.since else None,
            before=(datetime.combine(flt.until + timedelta(days=1), time.min, tzinfo=timezone.utc)
                    if flt.until else None),
            limit=limit, offset=offset)
        entries = [AuditEntry(id=log.id, at=log.at, user_id=log.user_id, user_email=email, action=log.action,
                              target_type=log.target_type, target_id=log.target_id, before=dict(log.before or {}),
                              after=dict(log.after or {}), note=log.note) for log, email in rows]
        return entries, total
