"""Operational records: import runs with their rejected rows, the digest log, background jobs."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    loaded: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    rejects: Mapped[list[Any]] = mapped_column(default=list)  # "file:line: field: reason" strings
    status: Mapped[str] = mapped_column(String(16), default="running")  # running ok rejects failed interrupted
    # Who runs it and when it last said so: a `running` run whose process is gone is marked interrupted.
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    heartbeat_at: Mapped[datetime | None]
    message: Mapped[str | None] = mapped_column(Text)  # why a run failed or was interrupted


class DigestLog(Base):
    """One digest per researcher and period; the unique key makes re-runs send nothing twice."""

    __tablename__ = "digest_log"
    __table_args__ = (UniqueConstraint("researcher_id", "period_key", name="uq_digest_log_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    researcher_id: Mapped[str] = mapped_column(ForeignKey("researchers.id", ondelete="CASCADE"), index=True)
    period_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # sending | sent | failed | uncertain
    items: Mapped[list[Any]] = mapped_column(default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    since: Mapped[datetime | None]


class Job(Base):
    """A background job (e.g. index rebuild) whose progress the admin panel polls."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done | failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # Stamped at every progress update: a queued/running job whose worker died expires (jobs.start).
    heartbeat_at: Mapped[datetime | None]
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)


class SavedSearch(Base):
    """A firm's search kept for alerts: new partners, equipment or projects matching it are emailed once."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    query: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedSearchHit(Base):
    """One entity already known to a saved search; the unique pair makes an alert run send nothing twice."""

    __tablename__ = "saved_search_hits"
    __table_args__ = (UniqueConstraint("saved_search_id", "entity_id", name="uq_saved_search_hit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="baseline")  # baseline | pending | sent | failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
