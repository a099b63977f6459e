"""What became of a match: suggested -> approved -> introduced -> meeting -> project_started -> commercialised.

A match may also be rejected (during curation) or closed (later), always with a reason. Each step
is a MatchEvent carrying its date, an optional value (contract amount, product) and the ranking
features at decision time, so the ranking can learn from outcomes; each step is audited too.
Moves backwards are never silent: they need an explicit correction with a reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy.orm import Session

from matcher.types import MATCH_STAGES
from matcher.models import Match, MatchEvent, Problem
from matcher.repositories import accounts as account_queries
from matcher.runtime import Runtime
from matcher.timeutil import aware

from . import audit

END_STATES: tuple[str, ...] = ("rejected", "closed")
#: Stages a coordinator may record in the outcome form; approval and introduction have their own actions.
RECORDABLE: tuple[str, ...] = ("meeting", "project_started", "commercialised")
STAGE_LABELS: dict[str, str] = {
    "suggested": "Suggested", "approved": "Approved", "introduced": "Introduced", "meeting": "Meeting",
    "project_started": "Project started", "commercialised": "Commercialised", "rejected": "Rejected",
    "closed": "Closed",
}
FUTURE_SLACK = timedelta(minutes=5)


class OutcomeError(ValueError):
    """A transition or value that is not allowed; the message is safe to show to the coordinator."""


class NotFound(LookupError):
    """No such match or problem."""


@dataclass(frozen=True)
class TimelineEvent:
    id: int
    stage: str
    decision: str | None
    at: datetime
    value: float | None
    product: str | None
    note: str | None
    user_id: int | None
    user_email: str | None = None


@dataclass(frozen=True)
class MatchTimeline:
    match_id: int
    problem_id: str
    problem_title: str
    entity_id: str
    entity_name: str
    stage: str
    closed_reason: str | None
    events: tuple[TimelineEvent, ...]
    next_stages: tuple[str, ...]


def stage_index(stage: str) -> int:
    return MATCH_STAGES.index(stage) if stage in MATCH_STAGES else -1


def snapshot(match: Match) -> dict[str, Any]:
    """The curated state of a match, as written into the audit log's before/after."""
    return {"stage": match.stage, "pinned": bool(match.pinned), "note": match.note,
            "closed_reason": match.closed_reason, "sme_consented": bool(match.sme_consented)}


def features(match: Match) -> dict[str, Any]:
    """The ranking features at decision time: the score components, plus score and rank."""
    values: dict[str, Any] = {str(k): v for k, v in (match.components or {}).items()}
    values.setdefault("score", float(match.score or 0.0))
    values.setdefault("rank", match.rank)
    return values


def to_datetime(value: date | datetime | None) -> datetime:
    """A form's date (or nothing, meaning now) as an aware UTC datetime; dates become noon UTC."""
    if value is None:
        return datetime.now(timezone.utc)
    if isinstance(value, datetime):
        return aware(value)
    return datetime.combine(value, time(12, 0), tzinfo=timezone.utc)


def record_event(session: Session, match: Match, user_id: int | None, decision: str, *, stage: str | None = None,
                 at: datetime | None = None, value: float | None = None, product: str | None = None,
                 note: str | None = None, before: dict[str, Any] | None = None,
                 audit_action: str | None = None) -> MatchEvent:
    """Write the MatchEvent (a label for learning) and the audit row for one decision on `match`.

    Call after changing `match`; `before` is its snapshot taken before the change.
    """
    event = MatchEvent(match_id=match.id, stage=stage or match.stage, decision=decision,
                       at=at or datetime.now(timezone.utc), value=value, product=product, note=note,
                       user_id=user_id, features=features(match))
    session.add(event)
    after = snapshot(match)
    if value is not None:
        after["value"] = value
    if product:
        after["product"] = product
    if at is not None:
        after["at"] = at
    audit.record(session, user_id, audit_action or f"match.{decision}", "match", str(match.id),
                 before=before, after=after, note=note)
    return event


def load_match(session: Session, match_id: int) -> Match:
    match = session.get(Match, match_id)
    if match is None:
        raise NotFound(f"match {match_id}")
    return match


def _last_step_at(match: Match) -> datetime | None:
    """When the latest outcome step (introduction or later) happened; curation decisions do not count,
    so an introduction made last week can be recorded after today's approval."""
    floor = stage_index("introduced")
    times = [aware(e.at) for e in match.events
             if e.at is not None and e.decision != "correct" and floor <= stage_index(e.stage) <= stage_index(match.stage)]
    return max(times) if times else None


def check_date(session: Session, match: Match, at: datetime) -> None:
    """A step may be dated in the past, but not in the future, before the problem, or before the previous step."""
    if at > datetime.now(timezone.utc) + FUTURE_SLACK:
        raise OutcomeError("the date cannot be in the future")
    problem = session.get(Problem, match.problem_id)
    if problem is not None and problem.created_at is not None:
        created = aware(problem.created_at)
        if at < created - FUTURE_SLACK:
            raise OutcomeError(f"the date cannot be before the problem was posted ({created.date().isoformat()})")
    previous = _last_step_at(match)
    if previous is not None and at < previous - FUTURE_SLACK:
        raise OutcomeError(f"the date cannot be before the previous step ({previous.date().isoformat()})")


def next_stages(stage: str) -> tuple[str, ...]:
    """Stages the outcome form may move to from `stage` (forward only; introduced only by introduction)."""
    if stage in END_STATES or stage not in MATCH_STAGES:
        return ()
    index = stage_index(stage)
    return tuple(s for s in RECORDABLE if stage_index(s) > index and index >= stage_index("introduced"))


def _clean_value(value: float | None) -> float | None:
    if value is None:
        return None
    if value != value or value < 0 or value > 1e13:  # NaN, negative or absurd amounts
        raise OutcomeError("the value must be a positive amount")
    return float(value)


def advance(runtime: Runtime, match_id: int, user_id: int | None, stage: str, *, at: date | datetime | None = None,
            value: float | None = None, product: str | None = None, note: str | None = None) -> None:
    """Record a later outcome step (meeting, project started, commercialised) with its date and value."""
    if stage not in RECORDABLE:
        raise OutcomeError(f"choose one of: {', '.join(STAGE_LABELS[s] for s in RECORDABLE)}")
    when = to_datetime(at)
    value = _clean_value(value)
    product = (product or "").strip()[:300] or None
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        if stage not in next_stages(match.stage):
            raise OutcomeError(f"cannot move from {STAGE_LABELS.get(match.stage, match.stage)} to "
                               f"{STAGE_LABELS[stage]}; outcomes only move forward after an introduction")
        check_date(session, match, when)
        before = snapshot(match)
        match.stage = stage
        record_event(session, match, user_id, "stage", stage=stage, at=when, value=value, product=product,
                     note=(note or "").strip() or None, before=before)


def close(runtime: Runtime, match_id: int, user_id: int | None, reason: str, *,
          at: date | datetime | None = None) -> None:
    """Close a match that went somewhere (or nowhere) after approval; the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise OutcomeError("a reason is required to close a match")
    when = to_datetime(at)
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        if match.stage in END_STATES:
            raise OutcomeError("this match is already closed or rejected")
        check_date(session, match, when)
        before = snapshot(match)
        match.stage = "closed"
        match.closed_reason = reason[:4000]
        record_event(session, match, user_id, "close", stage="closed", at=when, note=match.closed_reason,
                     before=before)


def correct(runtime: Runtime, match_id: int, user_id: int | None, stage: str, reason: str) -> None:
    """Move a match back (or reopen it) on purpose: never silent, always with a reason in the log."""
    reason = (reason or "").strip()
    if stage not in MATCH_STAGES:
        raise OutcomeError("unknown stage")
    if not reason:
        raise OutcomeError("a reason is required to correct a stage")
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        if match.stage in MATCH_STAGES and stage_index(stage) >= stage_index(match.stage):
            raise OutcomeError("a correction moves a match back; use the normal actions to move it forward")
        before = snapshot(match)
        match.stage = stage
        match.closed_reason = None
        record_event(session, match, user_id, "correct", stage=stage, note=reason[:4000], before=before)


def timeline(runtime: Runtime, match_id: int) -> MatchTimeline:
    """All steps of one match, oldest first, with the stages it may move to next."""
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        problem = session.get(Problem, match.problem_id)
        events = sorted(match.events, key=lambda e: (aware(e.at), e.id))
        user_ids = {e.user_id for e in events if e.user_id is not None}
        emails = account_queries.emails_by_id(session, user_ids)
        return MatchTimeline(
            match_id=match.id, problem_id=match.problem_id, problem_title=problem.title if problem else "",
            entity_id=match.entity_id, entity_name=match.entity_name, stage=match.stage,
            closed_reason=match.closed_reason,
            events=tuple(TimelineEvent(id=e.id, stage=e.stage, decision=e.decision, at=aware(e.at), value=e.value,
                                       product=e.product, note=e.note, user_id=e.user_id,
                                       user_email=emails.get(e.user_id)) for e in events),
            next_stages=next_stages(match.stage),
        )
