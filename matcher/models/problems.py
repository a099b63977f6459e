"""Problems posted by firms, the matches suggested for them, and what became of each match."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow



class Problem(Base):
    __tablename__ = "problems"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(120), index=True)
    budget: Mapped[str | None] = mapped_column(String(120))
    timeline: Mapped[str | None] = mapped_column(String(200))
    trl: Mapped[int | None] = mapped_column(Integer)
    visibility: Mapped[str] = mapped_column(String(16), default="public", index=True)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    status: Mapped[str] = mapped_column(String(32), default="new", index=True)  # new | curated | closed
    source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    matches: Mapped[list[Match]] = relationship(back_populates="problem", cascade="all, delete-orphan")


class Match(Base):
    """A suggested partner for a problem, with the score components and evidence frozen at suggestion time."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("problem_id", "entity_id", name="uq_matches_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[str] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    entity_kind: Mapped[str] = mapped_column(String(32))
    entity_name: Mapped[str] = mapped_column(String(500), default="")
    rank: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    components: Mapped[dict[str, Any]] = mapped_column(default=dict)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    capabilities: Mapped[list[Any]] = mapped_column(default=list)
    stage: Mapped[str] = mapped_column(String(32), default="suggested", index=True)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(32), default="matcher")  # matcher | coordinator
    sme_consented: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    problem: Mapped[Problem] = relationship(back_populates="matches")
    events: Mapped[list[MatchEvent]] = relationship(
        back_populates="match", cascade="all, delete-orphan", order_by="MatchEvent.at"
    )


class MatchEvent(Base):
    """One step of a match's outcome (or a curation decision), with the features at decision time for learning."""

    __tablename__ = "match_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str | None] = mapped_column(String(32))  # approve | reject | pin | annotate | stage
    at: Mapped[datetime] = mapped_column(default=utcnow)
    value: Mapped[float | None] = mapped_column(Float)
    product: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)

    match: Mapped[Match] = relationship(back_populates="events")


#: What an IntroductionRequest is: a firm asking to meet a partner, or a researcher offering help on a problem.


class IntroductionRequest(Base):
    """A firm's request to be introduced to a partner (kind "request") or a researcher's "I can help" on a
    problem (kind "interest"); coordinators act on both, contact details stay hidden."""

    __tablename__ = "introduction_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    problem_id: Mapped[str | None] = mapped_column(ForeignKey("problems.id", ondelete="SET NULL"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16), default="request", server_default="request")
    nda_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default="open")  # open | withdrawn
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
