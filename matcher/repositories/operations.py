"""Queries on the operations records: the audit log, background jobs, digests sent, saved searches."""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from matcher.models import AuditLog, DigestLog, ImportRun, Job, SavedSearch, SavedSearchHit, User

OPEN_JOB_STATES = ("queued", "running")


def audit_actions(session: Session) -> list[str]:
    return sorted(a for a in session.scalars(select(AuditLog.action).distinct()) if a)


def audit_page(session: Session, *, user_id: int | None = None, email_like: str | None = None,
               action: str | None = None, target_like: str | None = None, since: datetime | None = None,
               before: datetime | None = None, limit: int = 100,
               offset: int = 0) -> tuple[list[tuple[AuditLog, str | None]], int]:
    """Audit rows with their user's email, newest first, and the total; *_like are escaped LIKE patterns."""
    query = select(AuditLog, User.email).outerjoin(User, User.id == AuditLog.user_id)
    if user_id is not None:
        query = query.where(AuditLog.user_id == user_id)
    if email_like is not None:
        query = query.where(func.lower(User.email).like(email_like, escape="\\"))
    if action is not None:
        query = query.where(AuditLog.action == action)
    if target_like is not None:
        query = query.where(AuditLog.target_id.like(target_like, escape="\\"))
    if since is not None:
        query = query.where(AuditLog.at >= since)
    if before is not None:
        query = query.where(AuditLog.at < before)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit).offset(offset))
    return [(log, email) for log, email in rows], int(total)


def recent_jobs(session: Session, limit: int) -> list[Job]:
    return list(session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def open_jobs(session: Session, name: str) -> list[Job]:
    """Jobs of one name still queued or running (by their row; the worker may have died)."""
    return list(session.scalars(select(Job).where(Job.name == name, Job.status.in_(OPEN_JOB_STATES))))


def open_job_id(session: Session, name: str) -> Any:
    return session.scalar(select(Job.id).where(Job.name == name, Job.status.in_(OPEN_JOB_STATES)))


def active_searches_of(session: Session, user_id: int) -> list[SavedSearch]:
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id,
                                                          SavedSearch.active.is_(True))).all())


def searches_of(session: Session, user_id: int) -> list[SavedSearch]:
    """A user's saved searches, newest first (inactive ones included)."""
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id)
                                .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())))


def hit_count(session: Session, saved_search_id: int) -> int:
    return len(session.scalars(select(SavedSearchHit.id)
                               .where(SavedSearchHit.saved_search_id == saved_search_id)).all())


def active_searches(session: Session) -> list[SavedSearch]:
    return list(session.scalars(select(SavedSearch).where(SavedSearch.active.is_(True)).order_by(SavedSearch.id)).all())


def hits_of(session: Session, saved_search_id: int, entity_ids: Collection[str] | None = None) -> list[SavedSearchHit]:
    """A saved search's hits, or only those of `entity_ids`."""
    query = select(SavedSearchHit).where(SavedSearchHit.saved_search_id == saved_search_id)
    if entity_ids is not None:
        query = query.where(SavedSearchHit.entity_id.in_(entity_ids))
    return list(session.scalars(query))


def import_runs_page(session: Session, *, limit: int, offset: int) -> tuple[list[ImportRun], int]:
    total = session.scalar(select(func.count()).select_from(ImportRun)) or 0
    rows = session.scalars(select(ImportRun).order_by(ImportRun.started_at.desc(), ImportRun.id.desc())
                           .limit(limit).offset(offset))
    return list(rows), int(total)


def digest_logs_of(session: Session, researcher_id: str) -> list[DigestLog]:
    return list(session.scalars(select(DigestLog).where(DigestLog.researcher_id == researcher_id)
                                .order_by(DigestLog.id)).all())


def delete_digest_logs_of(session: Session, researcher_id: str) -> None:
    session.execute(delete(DigestLog).where(DigestLog.researcher_id == researcher_id))


def digest_log(session: Session, researcher_id: str, period_key: str) -> DigestLog | None:
    return session.scalar(select(DigestLog).where(DigestLog.researcher_id == researcher_id,
                                                  DigestLog.period_key == period_key))


def claim_digest_log(session: Session, log_id: int, seen_attempts: int | None, attempt: int, items: Any) -> bool:
    """Mark an unsent digest row as being sent again, only if no other run moved it since it was read
    (its attempt count is still `seen_attempts`): the compare-and-set that keeps a digest exactly once."""
    return session.execute(
        update(DigestLog)
        .where(DigestLog.id == log_id, DigestLog.attempts == seen_attempts, DigestLog.status != "sent")
        .values(status="sending", attempts=attempt, items=items, error=None)
    ).rowcount == 1


def set_digest_status(session: Session, log_id: int, **values: Any) -> None:
    session.execute(update(DigestLog).where(DigestLog.id == log_id).values(**values))


def delete_unsent_digest_log(session: Session, log_id: int) -> None:
    session.execute(delete(DigestLog).where(DigestLog.id == log_id, DigestLog.status != "sent"))
