"""The coordinator's read side of curation: the problem queue and one problem with its ordered matches.

Kept apart from the decisions because it only reads: it turns Problem and Match rows into the plain,
frozen records (ProblemItem, MatchRow) the admin pages render.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from matcher.models import IntroductionRequest, Match, Organization, Problem, User
from matcher.repositories import problems as problem_queries
from matcher.runtime import Runtime

from .outcomes import NotFound, load_match

QUEUE_STATUSES: tuple[str, ...] = ("new", "curated", "closed", "all")


@dataclass(frozen=True)
class MatchRow:
    id: int
    entity_id: str
    entity_kind: str
    name: str
    rank: int | None
    score: float
    stage: str
    pinned: bool
    note: str | None
    closed_reason: str | None
    added_by: str
    sme_consented: bool
    capabilities: tuple[str, ...] = ()
    components: dict[str, float] = field(default_factory=dict)
    evidence: tuple[dict[str, Any], ...] = ()
    requested: bool = False  # the firm asked to meet this partner (an open request)
    interest: bool = False  # the partner offered help ("I can help")
    nda_requested: bool = False
    request_messages: tuple[str, ...] = ()
    contact_missing: bool = False  # a researcher or lab with no email on file: the introduction would fail


@dataclass(frozen=True)
class ProblemItem:
    id: str
    title: str
    text: str
    region: str | None
    visibility: str
    status: str
    created_at: datetime | None
    owner_email: str | None
    organization: str | None
    matches: tuple[MatchRow, ...] = ()
    open_count: int = 0
    requests: int = 0  # open introduction requests still waiting for the coordinator
    interests: int = 0  # open offers of help still waiting for the coordinator

    @property
    def needs_action(self) -> bool:
        return bool(self.requests or self.interests)


def _row(match: Match, asks: Sequence[IntroductionRequest] = (), contact_missing: bool = False) -> MatchRow:
    return MatchRow(
        id=match.id, entity_id=match.entity_id, entity_kind=match.entity_kind, name=match.entity_name,
        rank=match.rank, score=float(match.score or 0.0), stage=match.stage, pinned=bool(match.pinned),
        note=match.note, closed_reason=match.closed_reason, added_by=match.added_by,
        sme_consented=bool(match.sme_consented), capabilities=tuple(str(c) for c in match.capabilities or ()),
        components={str(k): float(v) for k, v in (match.components or {}).items() if isinstance(v, (int, float))},
        evidence=tuple(e for e in (match.evidence or ()) if isinstance(e, dict)),
        requested=any(a.kind == "request" for a in asks), interest=any(a.kind == "interest" for a in asks),
        nda_requested=any(a.nda_requested for a in asks),
        request_messages=tuple(a.message for a in asks if a.message), contact_missing=contact_missing,
    )


def _ordered(matches: Sequence[Match]) -> list[Match]:
    return sorted(matches, key=lambda m: (not m.pinned, m.rank is None, m.rank or 0, -(m.score or 0.0), m.id))


def _item(session: Session, problem: Problem, with_matches: bool) -> ProblemItem:
    owner = session.get(User, problem.owner_user_id) if problem.owner_user_id else None
    org = session.get(Organization, problem.organization_id) if problem.organization_id else None
    from .curation_introductions import has_contact

    matches = _ordered(problem.matches) if with_matches else []
    open_count = sum(1 for m in problem.matches if m.stage == "suggested")
    asks = problem_queries.open_requests_of_problem(session, problem.id)
    by_match: dict[int, list[IntroductionRequest]] = {}
    for ask in asks:
        if ask.match_id is not None:
            by_match.setdefault(ask.match_id, []).append(ask)
    waiting = {m.id for m in problem.matches if m.stage in ("suggested", "approved")}
    pending = [a for a in asks if a.match_id is None or a.match_id in waiting]
    return ProblemItem(
        id=problem.id, title=problem.title, text=problem.text, region=problem.region, visibility=problem.visibility,
        status=problem.status, created_at=problem.created_at, owner_email=owner.email if owner else None,
        organization=org.name if org else None, open_count=open_count,
        matches=tuple(_row(m, by_match.get(m.id, ()), m.stage in ("suggested", "approved")
                           and m.entity_kind in ("researcher", "lab") and not has_contact(session, m))
                      for m in matches),
        requests=sum(1 for a in pending if a.kind == "request"),
        interests=sum(1 for a in pending if a.kind == "interest"),
    )


def queue(runtime: Runtime, status: str = "new", *, limit: int = 25, offset: int = 0) -> tuple[list[ProblemItem], int]:
    """Problems by what needs action: those with a waiting request or offer of help first, then the newest.

    The "new" view also holds curated problems on which a firm or a researcher is waiting.
    """
    if status not in QUEUE_STATUSES:
        status = "new"
    with runtime.db.session() as session:
        rows, total = problem_queries.queue_page(session, status, limit=limit, offset=offset)
        return [_item(session, p, with_matches=True) for p in rows], total


def get_problem(runtime: Runtime, problem_id: str) -> ProblemItem:
    """One problem with all its matches (staff view: private and anonymous problems included)."""
    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None:
            raise NotFound(problem_id)
        return _item(session, problem, with_matches=True)


def problem_of(runtime: Runtime, match_id: int) -> str:
    """The problem a match belongs to (for redirects back to its page)."""
    with runtime.db.session() as session:
        return load_match(session, match_id).problem_id
