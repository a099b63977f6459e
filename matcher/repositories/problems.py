"""Queries on problems and what became of them: matches, their events, introduction requests."""
from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session

from matcher.models import IntroductionRequest, Match, MatchEvent, Organization, Problem


def all_problems(session: Session) -> list[Problem]:
    return list(session.scalars(select(Problem)))


def problem_titles(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Problem.id, Problem.title)).all())


def match_stage_facts(session: Session) -> list[tuple[int, str, str, Any]]:
    """(match id, problem id, stage, capability labels) of every match."""
    return [tuple(row) for row in  # type: ignore[misc]
            session.execute(select(Match.id, Match.problem_id, Match.stage, Match.capabilities))]


def match_event_facts(session: Session) -> list[tuple[int, str, datetime, float | None]]:
    """(match id, stage, when, value) of every outcome event."""
    return [tuple(row) for row in  # type: ignore[misc]
            session.execute(select(MatchEvent.match_id, MatchEvent.stage, MatchEvent.at, MatchEvent.value))]


def all_requests(session: Session) -> list[IntroductionRequest]:
    return list(session.scalars(select(IntroductionRequest)))


def matches_by_id(session: Session, match_ids: Collection[int]) -> dict[int, Match]:
    if not match_ids:
        return {}
    return {m.id: m for m in session.scalars(select(Match).where(Match.id.in_(match_ids)))}


def events_of_matches(session: Session, match_ids: Collection[int]) -> list[MatchEvent]:
    return list(session.scalars(select(MatchEvent).where(MatchEvent.match_id.in_(match_ids))))


def labelled_events(session: Session) -> Iterator[tuple[MatchEvent, Match, Problem]]:
    """Every outcome event with its match and problem, oldest first, streamed in batches."""
    query = (select(MatchEvent, Match, Problem).join(Match, Match.id == MatchEvent.match_id)
             .join(Problem, Problem.id == Match.problem_id).order_by(MatchEvent.at, MatchEvent.id))
    for event, match, problem in session.execute(query.execution_options(yield_per=500)):
        yield event, match, problem


def matched_entity_ids(session: Session, problem_id: str) -> list[str]:
    return list(session.scalars(select(Match.entity_id).where(Match.problem_id == problem_id)))


def match_id_for(session: Session, problem_id: str, entity_id: str) -> int | None:
    return session.scalar(select(Match.id).where(Match.problem_id == problem_id, Match.entity_id == entity_id))


def nda_requested(session: Session, match_id: int) -> bool:
    return session.scalar(select(IntroductionRequest.id).where(
        IntroductionRequest.match_id == match_id, IntroductionRequest.nda_requested.is_(True)).limit(1)) is not None


def open_requests_of_problem(session: Session, problem_id: str) -> list[IntroductionRequest]:
    return list(session.scalars(select(IntroductionRequest).where(IntroductionRequest.problem_id == problem_id,
                                                                  IntroductionRequest.status == "open")))


def _waiting() -> Any:
    """Open requests or offers whose match the coordinator has not answered yet (or that have no match)."""
    return and_(IntroductionRequest.status == "open", or_(
        IntroductionRequest.match_id.is_(None),
        IntroductionRequest.match_id.in_(select(Match.id).where(Match.stage.in_(("suggested", "approved"))))))


def queue_page(session: Session, status: str, *, limit: int, offset: int) -> tuple[list[Problem], int]:
    """Problems with a waiting request or offer first, then the newest; status "new" also holds curated
    problems someone waits on, "all" every problem; returns (page, total)."""
    waiting = exists().where(IntroductionRequest.problem_id == Problem.id, _waiting())
    query = select(Problem)
    if status == "new":
        query = query.where(or_(Problem.status == "new", waiting))
    elif status != "all":
        query = query.where(Problem.status == status)
    order = (case((waiting, 0), else_=1), Problem.created_at.desc(), Problem.id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return list(session.scalars(query.order_by(*order).limit(limit).offset(offset))), int(total)


def match_count(session: Session, problem_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(Match).where(Match.problem_id == problem_id)) or 0)


def problems_page(session: Session, *, owner_id: int | None = None, visible_to: int | None = None,
                  public_only: bool = False, limit: int, offset: int) -> tuple[list[Problem], int]:
    """Problems newest first and their total: of one owner, or (public_only) the public and anonymous
    ones plus those of `visible_to`; neither filter means every problem (staff)."""
    query = select(Problem)
    if owner_id is not None:
        query = query.where(Problem.owner_user_id == owner_id)
    elif public_only:
        visible = Problem.visibility.in_(("public", "anonymous"))
        if visible_to is not None:
            visible = or_(visible, Problem.owner_user_id == visible_to)
        query = query.where(visible)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Problem.created_at.desc(), Problem.id).limit(limit).offset(offset))
    return list(rows), int(total)


def newest_public_problems(session: Session, limit: int) -> list[Problem]:
    return list(session.scalars(
        select(Problem).where(Problem.visibility == "public").order_by(Problem.created_at.desc()).limit(limit)))


def shown_matches(session: Session, problem_id: str) -> list[Match]:
    """A problem's matches not rejected: pinned first, then by rank (unranked last), then by score."""
    return list(session.scalars(
        select(Match).where(Match.problem_id == problem_id, Match.stage != "rejected")
        .order_by(Match.pinned.desc(), Match.rank.is_(None), Match.rank, Match.score.desc())))


def match_of(session: Session, problem_id: str, entity_id: str) -> Match | None:
    return session.scalar(select(Match).where(Match.problem_id == problem_id, Match.entity_id == entity_id))


def open_request_of(session: Session, user_id: int, entity_id: str,
                    problem_id: str | None) -> IntroductionRequest | None:
    """The user's open introduction request for this partner (on this problem, or on none)."""
    return session.scalar(select(IntroductionRequest).where(
        IntroductionRequest.user_id == user_id, IntroductionRequest.entity_id == entity_id,
        IntroductionRequest.kind == "request",
        (IntroductionRequest.problem_id == problem_id) if problem_id else IntroductionRequest.problem_id.is_(None),
        IntroductionRequest.status == "open",
    ))


def open_interest_of(session: Session, user_id: int, problem_id: str) -> IntroductionRequest | None:
    """The user's open offer of help on this problem."""
    return session.scalar(select(IntroductionRequest).where(
        IntroductionRequest.user_id == user_id, IntroductionRequest.problem_id == problem_id,
        IntroductionRequest.kind == "interest", IntroductionRequest.status == "open"))


def requests_of_user(session: Session, user_id: int, limit: int) -> list[IntroductionRequest]:
    return list(session.scalars(
        select(IntroductionRequest).where(IntroductionRequest.user_id == user_id)
        .order_by(IntroductionRequest.created_at.desc(), IntroductionRequest.id.desc()).limit(limit)))


def open_requests_page(session: Session, *, limit: int, offset: int) -> tuple[list[IntroductionRequest], int]:
    query = select(IntroductionRequest).where(IntroductionRequest.status == "open")
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(IntroductionRequest.created_at.desc(), IntroductionRequest.id.desc())
                           .limit(limit).offset(offset))
    return list(rows), int(total)


def match_counts(session: Session, entity_ids: Collection[str]) -> dict[str, int]:
    """entity id -> on how many problems it is a match."""
    return dict(session.execute(select(Match.entity_id, func.count()).where(
        Match.entity_id.in_(entity_ids)).group_by(Match.entity_id)).all())


def matches_of_entity(session: Session, entity_id: str) -> list[Match]:
    return list(session.scalars(select(Match).where(Match.entity_id == entity_id)))


def move_events(session: Session, from_match_id: int, to_match_id: int) -> None:
    session.execute(update(MatchEvent).where(MatchEvent.match_id == from_match_id).values(match_id=to_match_id))


def problems_created_between(session: Session, since: datetime, until: datetime,
                             visibilities: Collection[str]) -> list[tuple[Problem, str | None]]:
    """(problem, its firm's name) of the problems of these visibilities, not closed, created in (since, until]."""
    return [(p, firm) for p, firm in session.execute(
        select(Problem, Organization.name)
        .outerjoin(Organization, Organization.id == Problem.organization_id)
        .where(Problem.visibility.in_(visibilities), Problem.status != "closed",
               Problem.created_at > since, Problem.created_at <= until)
        .order_by(Problem.created_at, Problem.id)).all()]
