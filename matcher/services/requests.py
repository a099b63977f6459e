"""The brokerage loop's requests: a firm asks to meet a partner, a researcher offers help on a problem.

Both become an IntroductionRequest tied to the problem's Match (created when the partner was not
suggested), so the coordinator sees them on the match card and in its timeline, and the requester
can follow the stage, the next step and who holds it. A firm's request on an anonymous problem can
carry its consent to be named to that partner; the firm may withdraw it from its own pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from matcher.models import IntroductionRequest, Match, Problem, User
from matcher.repositories import problems as problem_queries
from matcher.runtime import Runtime

from .outcomes import STAGE_LABELS, record_event, snapshot
from .problems import POSTER_ROLES, Forbidden, NotVisible, Viewer, can_view, entity_name

#: Stages in which a request still waits for the coordinator (after them it has been answered).
WAITING_STAGES: tuple[str, ...] = ("suggested", "approved")


@dataclass(frozen=True)
class IntroductionView:
    id: int
    entity_id: str
    entity_name: str
    problem_id: str | None
    problem_title: str | None
    status: str
    created: bool  # False when an identical open request already existed
    match_id: int | None = None
    kind: str = "request"
    nda_requested: bool = False
    consented: bool = False


@dataclass(frozen=True)
class RequestStatus:
    """One of a user's requests as they may follow it: stage, dates, next step and who holds it."""

    id: int
    kind: str
    entity_id: str
    entity_name: str
    problem_id: str | None
    problem_title: str | None
    anonymous: bool
    match_id: int | None
    stage: str
    stage_label: str
    requested_at: datetime
    changed_at: datetime | None
    introduced_at: datetime | None
    consented: bool
    nda_requested: bool
    message: str
    next_step: str
    holder: str


def _match_for(session: Session, problem_id: str, entity_id: str, name: str, added_by: str) -> Match:
    """The problem's match for this partner, created (unranked) when the matcher had not suggested it."""
    match = problem_queries.match_of(session, problem_id, entity_id)
    if match is None:
        match = Match(problem_id=problem_id, entity_id=entity_id, entity_kind=entity_id.split(":", 1)[0],
                      entity_name=name[:500], rank=None, score=0.0, stage="suggested", added_by=added_by)
        session.add(match)
        session.flush()
    return match


def _consent(session: Session, match: Match, user_id: int, consented: bool, how: str) -> None:
    if bool(match.sme_consented) == consented:
        return
    before = snapshot(match)
    match.sme_consented = consented
    record_event(session, match, user_id, "consent" if consented else "withdraw_consent",
                 note=how + ("" if consented else ": withdrawn"), before=before)


def request_introduction(
    runtime: Runtime, viewer: Viewer, entity_id: str, *, problem_id: str | None = None, message: str = "",
    nda_requested: bool = False, consent: bool = False,
) -> IntroductionView:
    """Record that a firm wants to meet a partner; coordinators broker it, so no contact data is exchanged.

    On an anonymous problem `consent` is the firm's agreement to be named to this partner.
    """
    if viewer.user_id is None or viewer.role not in POSTER_ROLES:
        raise Forbidden("only firms and coordinators can request introductions")
    name = entity_name(runtime, entity_id)
    if name is None:
        raise NotVisible(entity_id)
    message = (message or "").strip()[:4000]
    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id) if problem_id else None
        if problem_id and (problem is None or not can_view(problem, viewer)):
            raise NotVisible(problem_id)
        if problem is not None and problem.owner_user_id != viewer.user_id and not viewer.is_staff:
            raise Forbidden("you can only request introductions for your own problems")
        existing = problem_queries.open_request_of(session, viewer.user_id, entity_id, problem_id)
        row = existing or IntroductionRequest(user_id=viewer.user_id, entity_id=entity_id, problem_id=problem_id,
                                              message=message, status="open", kind="request")
        row.nda_requested = bool(row.nda_requested) or nda_requested
        match = None
        if problem is not None:
            match = _match_for(session, problem.id, entity_id, name, "firm")
            row.match_id = match.id
            if existing is None:
                note = "introduction requested by the firm" + (" (NDA requested)" if nda_requested else "")
                record_event(session, match, viewer.user_id, "request", note=note + (f": {message}" if message else ""),
                             before=snapshot(match))
            if consent and problem.visibility == "anonymous" and problem.owner_user_id == viewer.user_id:
                _consent(session, match, viewer.user_id, True, "by the owner, with the request")
        if existing is None:
            session.add(row)
        session.flush()
        return IntroductionView(
            id=row.id, entity_id=entity_id, entity_name=name, problem_id=problem_id,
            problem_title=problem.title if problem else None, status=row.status, created=existing is None,
            match_id=match.id if match else None, nda_requested=bool(row.nda_requested),
            consented=bool(match.sme_consented) if match else False,
        )


def offer_help(runtime: Runtime, viewer: Viewer, problem_id: str, message: str = "") -> IntroductionView:
    """A researcher's "I can help" on a problem: an expression of interest for the coordinator's queue."""
    if viewer.user_id is None or viewer.role != "researcher":
        raise Forbidden("only researchers can offer help on a problem")
    message = (message or "").strip()[:2000]
    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None or not can_view(problem, viewer):
            raise NotVisible(problem_id)
        user = session.get(User, viewer.user_id)
        researcher_id = user.researcher_id if user is not None else None
        entity_id = researcher_id or f"user:{viewer.user_id}"
        name = (entity_name(runtime, researcher_id) if researcher_id else None) or (
            (user.display_name or user.email) if user is not None else entity_id)
        existing = problem_queries.open_interest_of(session, viewer.user_id, problem_id)
        row = existing or IntroductionRequest(user_id=viewer.user_id, entity_id=entity_id, problem_id=problem_id,
                                              message=message, status="open", kind="interest")
        match = None
        if researcher_id:
            match = _match_for(session, problem_id, researcher_id, name, "researcher")
            row.match_id = match.id
            if existing is None:
                record_event(session, match, viewer.user_id, "interest",
                             note="the researcher offered help" + (f": {message}" if message else ""),
                             before=snapshot(match))
        if existing is None:
            session.add(row)
        elif message:
            row.message = message
        session.flush()
        return IntroductionView(id=row.id, entity_id=entity_id, entity_name=name, problem_id=problem_id,
                                problem_title=problem.title, status=row.status, created=existing is None,
                                match_id=match.id if match else None, kind="interest")


def _next_step(kind: str, stage: str, anonymous: bool, consented: bool, has_match: bool) -> tuple[str, str]:
    """(what happens next, who holds it) for a request in this state."""
    if stage in ("rejected", "closed"):
        return "Nothing: the coordinator closed this request", "nobody"
    if kind == "interest":
        if stage in WAITING_STAGES or not has_match:
            return "A coordinator reviews your offer and asks the firm", "coordinator"
        return "You were introduced: the firm has your offer", "you and the firm"
    if stage in WAITING_STAGES and anonymous and not consented:
        return "Give your consent so the coordinator may name your firm to this partner", "you"
    if stage == "suggested" or not has_match:
        return "A coordinator reviews the request", "coordinator"
    if stage == "approved":
        return "The coordinator sends the introduction to both sides", "coordinator"
    if stage == "commercialised":
        return "Nothing: the collaboration reached the market", "nobody"
    return "Meet the partner and tell the coordinator how it goes", "you and the partner"


def _introduced_at(match: Match | None) -> datetime | None:
    times = [e.at for e in (match.events if match else ()) if e.decision == "introduce"]
    return min(times) if times else None


def my_requests(runtime: Runtime, viewer: Viewer, *, limit: int = 200) -> list[RequestStatus]:
    """The viewer's own requests and offers of help, newest first; nobody else's are ever read."""
    if viewer.user_id is None:
        return []
    out = []
    with runtime.db.session() as session:
        for row in problem_queries.requests_of_user(session, viewer.user_id, limit):
            problem = session.get(Problem, row.problem_id) if row.problem_id else None
            match = session.get(Match, row.match_id) if row.match_id else None
            stage = match.stage if match else "requested"
            anonymous = problem is not None and problem.visibility == "anonymous"
            consented = bool(match.sme_consented) if match else False
            step, holder = _next_step(row.kind, stage, anonymous, consented, match is not None)
            label = "Requested" if stage in ("suggested", "requested") else STAGE_LABELS.get(stage, stage)
            out.append(RequestStatus(
                id=row.id, kind=row.kind, entity_id=row.entity_id,
                entity_name=(match.entity_name if match else None) or entity_name(runtime, row.entity_id)
                or row.entity_id,
                problem_id=row.problem_id, problem_title=problem.title if problem else None, anonymous=anonymous,
                match_id=row.match_id, stage=stage, stage_label=label, requested_at=row.created_at,
                changed_at=match.updated_at if match else None, introduced_at=_introduced_at(match),
                consented=consented, nda_requested=bool(row.nda_requested), message=row.message or "",
                next_step=step, holder=holder,
            ))
    return out


@dataclass(frozen=True)
class OpenRequest:
    """A request or offer as the coordinator's list shows it, with who made it."""

    id: int
    kind: str
    requester: str
    entity_id: str
    entity_name: str
    problem_id: str | None
    problem_title: str | None
    match_id: int | None
    stage: str
    nda_requested: bool
    message: str
    created_at: datetime


def open_requests(runtime: Runtime, *, limit: int = 100, offset: int = 0) -> tuple[list[OpenRequest], int]:
    """Every open request and offer of help, newest first (staff only: the caller checks the role)."""
    with runtime.db.session() as session:
        rows, total = problem_queries.open_requests_page(session, limit=limit, offset=offset)
        out = []
        for row in rows:
            user = session.get(User, row.user_id)
            problem = session.get(Problem, row.problem_id) if row.problem_id else None
            match = session.get(Match, row.match_id) if row.match_id else None
            out.append(OpenRequest(
                id=row.id, kind=row.kind, requester=(user.email if user else "?"), entity_id=row.entity_id,
                entity_name=(match.entity_name if match else None) or entity_name(runtime, row.entity_id)
                or row.entity_id, problem_id=row.problem_id, problem_title=problem.title if problem else None,
                match_id=row.match_id, stage=match.stage if match else "requested",
                nda_requested=bool(row.nda_requested), message=row.message or "", created_at=row.created_at))
        return out, int(total)
