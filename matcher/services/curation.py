"""Coordinator curation: the queue of new problems and the decisions taken on their suggested matches.

Each decision (approve, reject, pin, annotate, add a partner, consent, introduce) changes the
match, writes a MatchEvent with the ranking features at decision time (labels to learn from) and
an audit row, in one transaction. Mail leaves through a callable the web layer passes in, so the
core never depends on a mail provider.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.models import (
    Equipment, InstituteProject, Lab, Match, MatchEvent, Organization, Problem, Researcher, User,
)
from matcher.runtime import Runtime

from . import audit
from .outcomes import (
    END_STATES, NotFound, OutcomeError, aware, check_date, load_match, record_event, snapshot, to_datetime,
)

QUEUE_STATUSES: tuple[str, ...] = ("new", "curated", "closed", "all")
PARTNER_TABLES: dict[str, Any] = {
    "researcher": Researcher, "lab": Lab, "organization": Organization, "equipment": Equipment,
    "project": InstituteProject,
}
#: Send one message: (to, subject, text) -> message id. The web layer wraps its mail provider in this.
Sender = Callable[[str, str, str], str]


class CurationError(OutcomeError):
    """A decision that cannot be taken as asked; the message is safe to show."""


class ConsentRequired(CurationError):
    """An anonymous problem's owner has not agreed to be introduced yet."""


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


@dataclass(frozen=True)
class Candidate:
    """A partner found by a coordinator's search, not yet a match of the problem."""

    entity_id: str
    entity_kind: str
    name: str
    score: float
    organization: str | None
    region: str | None
    capabilities: tuple[str, ...]


@dataclass(frozen=True)
class IntroductionMail:
    to: str
    subject: str
    text: str


def _row(match: Match) -> MatchRow:
    return MatchRow(
        id=match.id, entity_id=match.entity_id, entity_kind=match.entity_kind, name=match.entity_name,
        rank=match.rank, score=float(match.score or 0.0), stage=match.stage, pinned=bool(match.pinned),
        note=match.note, closed_reason=match.closed_reason, added_by=match.added_by,
        sme_consented=bool(match.sme_consented), capabilities=tuple(str(c) for c in match.capabilities or ()),
        components={str(k): float(v) for k, v in (match.components or {}).items() if isinstance(v, (int, float))},
        evidence=tuple(e for e in (match.evidence or ()) if isinstance(e, dict)),
    )


def _ordered(matches: Sequence[Match]) -> list[Match]:
    return sorted(matches, key=lambda m: (not m.pinned, m.rank is None, m.rank or 0, -(m.score or 0.0), m.id))


def _item(session: Session, problem: Problem, with_matches: bool) -> ProblemItem:
    owner = session.get(User, problem.owner_user_id) if problem.owner_user_id else None
    org = session.get(Organization, problem.organization_id) if problem.organization_id else None
    matches = _ordered(problem.matches) if with_matches else []
    open_count = sum(1 for m in problem.matches if m.stage == "suggested")
    return ProblemItem(
        id=problem.id, title=problem.title, text=problem.text, region=problem.region, visibility=problem.visibility,
        status=problem.status, created_at=problem.created_at, owner_email=owner.email if owner else None,
        organization=org.name if org else None, matches=tuple(_row(m) for m in matches), open_count=open_count,
    )


def queue(runtime: Runtime, status: str = "new", *, limit: int = 25, offset: int = 0) -> tuple[list[ProblemItem], int]:
    """Problems waiting for curation (oldest first, so none is forgotten), with their suggested matches."""
    if status not in QUEUE_STATUSES:
        status = "new"
    query = select(Problem)
    if status != "all":
        query = query.where(Problem.status == status)
    with runtime.db.session() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Problem.created_at, Problem.id).limit(limit).offset(offset))
        return [_item(session, p, with_matches=True) for p in rows], int(total)


def get_problem(runtime: Runtime, problem_id: str) -> ProblemItem:
    """One problem with all its matches (staff view: private and anonymous problems included)."""
    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None:
            raise NotFound(problem_id)
        return _item(session, problem, with_matches=True)


def set_problem_status(runtime: Runtime, problem_id: str, user_id: int | None, status: str) -> None:
    """Mark a problem curated (out of the queue), closed, or back to new."""
    if status not in ("new", "curated", "closed"):
        raise CurationError("unknown problem status")
    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None:
            raise NotFound(problem_id)
        before = {"status": problem.status}
        problem.status = status
        audit.record(session, user_id, "problem.status", "problem", problem.id, before, {"status": status})


def approve(runtime: Runtime, match_id: int, user_id: int | None, note: str | None = None) -> None:
    """Accept a suggestion: the partner is worth introducing."""
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        if match.stage not in ("suggested", "rejected"):
            raise CurationError(f"only a suggested or rejected match can be approved (this one is {match.stage})")
        before = snapshot(match)
        match.stage = "approved"
        match.closed_reason = None
        record_event(session, match, user_id, "approve", stage="approved", note=(note or "").strip() or None,
                     before=before)


def reject(runtime: Runtime, match_id: int, user_id: int | None, reason: str) -> None:
    """Turn a suggestion down; the reason is required, it is the most useful label for the ranking."""
    reason = (reason or "").strip()
    if not reason:
        raise CurationError("a reason is required to reject a match")
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        if match.stage not in ("suggested", "approved"):
            raise CurationError(f"only a suggested or approved match can be rejected (this one is {match.stage})")
        before = snapshot(match)
        match.stage = "rejected"
        match.closed_reason = reason[:4000]
        record_event(session, match, user_id, "reject", stage="rejected", note=match.closed_reason, before=before)


def set_pinned(runtime: Runtime, match_id: int, user_id: int | None, pinned: bool) -> None:
    """Pinned matches stay on top of the problem's list, whatever their score."""
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        if bool(match.pinned) == pinned:
            return
        before = snapshot(match)
        match.pinned = pinned
        record_event(session, match, user_id, "pin" if pinned else "unpin", before=before)


def annotate(runtime: Runtime, match_id: int, user_id: int | None, note: str) -> None:
    """A coordinator's note on a match (an empty note clears it)."""
    note = (note or "").strip()[:4000]
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        before = snapshot(match)
        match.note = note or None
        record_event(session, match, user_id, "annotate", note=note or None, before=before)


def search_partners(runtime: Runtime, problem_id: str, query: str, *, kinds: Sequence[str] | None = None,
                    limit: int = 10) -> list[Candidate]:
    """Candidates for `query` that are not yet matches of the problem."""
    from matcher.services.matching import match as run_match

    query = (query or "").strip()[:2000]
    if not query:
        return []
    with runtime.db.session() as session:
        if session.get(Problem, problem_id) is None:
            raise NotFound(problem_id)
        existing = list(session.scalars(select(Match.entity_id).where(Match.problem_id == problem_id)))
    kinds = [k for k in (kinds or ()) if k in ("researcher", "lab", "organization", "equipment", "project")] or None
    result = run_match(runtime, query, kinds=kinds, limit=limit, exclude_entity_ids=existing)
    return [Candidate(entity_id=m.entity_id, entity_kind=m.entity_kind, name=m.name, score=float(m.score),
                      organization=m.organization, region=m.region, capabilities=tuple(m.capabilities))
            for m in result.matches]


def _entity(session: Session, entity_id: str) -> tuple[str, str] | None:
    """(kind, display name) of an existing, unmerged entity, or None."""
    kind = entity_id.split(":", 1)[0]
    table = PARTNER_TABLES.get(kind)
    row = session.get(table, entity_id) if table is not None else None
    if row is None or getattr(row, "merged_into_id", None):
        return None
    name = getattr(row, "name", None) or getattr(row, "acronym", None) or getattr(row, "title", "") or entity_id
    return kind, str(name)


def suggest_matches(runtime: Runtime, problem_id: str, user_id: int | None, *, limit: int = 20) -> int:
    """Run the matcher for a problem and store the candidates it does not have yet (e.g. imported problems
    that were never matched); returns how many were added."""
    from matcher.services.matching import match as run_match

    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None:
            raise NotFound(problem_id)
        text = f"{problem.title}\n{problem.text}"
        existing = set(session.scalars(select(Match.entity_id).where(Match.problem_id == problem_id)))
    result = run_match(runtime, text, limit=limit)
    added = 0
    with runtime.db.session() as session:
        for rank, found in enumerate(result.matches, start=1):
            if found.entity_id in existing:
                continue
            existing.add(found.entity_id)
            session.add(Match(
                problem_id=problem_id, entity_id=found.entity_id, entity_kind=found.entity_kind,
                entity_name=found.name[:500], rank=rank, score=float(found.score),
                components={k: float(v) for k, v in found.components.items()},
                evidence=[e.to_json() for e in found.evidence], capabilities=list(found.capabilities),
                stage="suggested", added_by="matcher",
            ))
            added += 1
        audit.record(session, user_id, "problem.suggest", "problem", problem_id, {}, {"added": added})
    return added


def add_partner(runtime: Runtime, problem_id: str, entity_id: str, user_id: int | None,
                query: str | None = None) -> int:
    """Add a partner the coordinator found by search as a match (added_by="coordinator").

    The features are recomputed from the matcher for the problem's text, so the label stays
    comparable with the matcher's own suggestions.
    """
    from matcher.services.matching import match as run_match

    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None:
            raise NotFound(problem_id)
        entity = _entity(session, entity_id)
        if entity is None:
            raise CurationError("no such partner")
        if session.scalar(select(Match.id).where(Match.problem_id == problem_id, Match.entity_id == entity_id)):
            raise CurationError("this partner is already a match of the problem")
        text = f"{problem.title}\n{problem.text}"
    found = None
    for text_query in filter(None, (text, query)):
        result = run_match(runtime, text_query, kinds=[entity[0]], limit=200)
        found = next((m for m in result.matches if m.entity_id == entity_id), None)
        if found is not None:
            break
    with runtime.db.session() as session:
        row = Match(
            problem_id=problem_id, entity_id=entity_id, entity_kind=entity[0], entity_name=entity[1][:500],
            rank=None, score=float(found.score) if found else 0.0,
            components={k: float(v) for k, v in found.components.items()} if found else {},
            evidence=[e.to_json() for e in found.evidence] if found else [],
            capabilities=list(found.capabilities) if found else [], stage="suggested", added_by="coordinator",
        )
        session.add(row)
        session.flush()
        record_event(session, row, user_id, "add", stage="suggested", note=(query or "").strip()[:500] or None,
                     before={})
        return row.id


def record_consent(runtime: Runtime, match_id: int, user_id: int, role: str | None, consented: bool = True) -> None:
    """The SME agrees (or no longer agrees) to be introduced; only the problem's owner or staff may record it."""
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        problem = session.get(Problem, match.problem_id)
        is_owner = problem is not None and problem.owner_user_id == user_id
        if not is_owner and role not in ("coordinator", "admin"):
            raise PermissionError("only the problem's owner or a coordinator can record consent")
        before = snapshot(match)
        match.sme_consented = consented
        note = ("by the owner" if is_owner else "recorded by a coordinator") + ("" if consented else ": withdrawn")
        record_event(session, match, user_id, "consent" if consented else "withdraw_consent", note=note,
                     before=before)


def _contact(session: Session, match: Match) -> tuple[str, str] | None:
    """(email, name) of the person to introduce for this match: the researcher, or a lab's first researcher."""
    if match.entity_kind == "researcher":
        person = session.get(Researcher, match.entity_id)
        people = [person] if person is not None else []
    elif match.entity_kind == "lab":
        people = list(session.scalars(select(Researcher).where(Researcher.lab_id == match.entity_id,
                                                               Researcher.merged_into_id.is_(None))
                                      .order_by(Researcher.name)))
    else:
        people = []
    for person in people:
        if person.email:
            return person.email, person.name
    return None


def build_introduction(session: Session, match: Match, problem: Problem, coordinator: User | None,
                       base_url: str) -> list[IntroductionMail]:
    """The two messages of an introduction. The researcher's address is never put in the firm's message:
    the researcher receives the firm's contact and replies if interested."""
    owner = session.get(User, problem.owner_user_id) if problem.owner_user_id else None
    if owner is None or not owner.email:
        raise CurationError("the problem has no owner with an email address to introduce")
    contact = _contact(session, match)
    if contact is None:
        raise CurationError(f"no contact email on file for {match.entity_name}; add one under Data care first")
    org = session.get(Organization, problem.organization_id) if problem.organization_id else None
    firm = (org.name if org else None) or owner.display_name or owner.email
    signer = (coordinator.display_name or coordinator.email) if coordinator else "InnoBridge"
    link = f"{base_url.rstrip('/')}/problems/{problem.id}"
    sme_text = (
        f"Hello {owner.display_name or ''},\n\n"
        f"About your problem \"{problem.title}\", we have introduced you to {match.entity_name}"
        f"{' (' + contact[1] + ')' if contact[1] != match.entity_name else ''}.\n"
        f"We have passed your contact details on; they will get in touch with you.\n\n"
        f"Why we suggest them: {', '.join(match.capabilities or []) or 'see the problem page'}.\n"
        f"{link}\n\n-- {signer}, InnoBridge coordinator\n"
    )
    researcher_text = (
        f"Hello {contact[1]},\n\n"
        f"{firm} is looking for a research partner for this problem:\n\n"
        f"  {problem.title}\n\n{problem.text[:2000]}\n\n"
        f"Matching expertise: {', '.join(match.capabilities or []) or '-'}.\n"
        f"If you are interested, please contact them at {owner.email}.\n\n"
        f"-- {signer}, InnoBridge coordinator\n"
    )
    subject = f"InnoBridge introduction: {problem.title}"[:200]
    return [IntroductionMail(owner.email, subject, sme_text), IntroductionMail(contact[0], subject, researcher_text)]


def introduce(runtime: Runtime, match_id: int, user_id: int | None, send: Sender, *, base_url: str = "",
              at: date | datetime | None = None, note: str | None = None) -> list[str]:
    """Email both sides and move the match to "introduced".

    Refused for an anonymous problem until its owner has consented. The mails go out before the
    stage changes: when the mail server refuses, the match stays approved and nothing is logged.
    """
    when = to_datetime(at)
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        problem = session.get(Problem, match.problem_id)
        if problem is None:
            raise NotFound(match.problem_id)
        if match.stage != "approved":
            raise CurationError("approve the match before introducing the partner"
                                if match.stage == "suggested" else f"this match is already {match.stage}")
        if problem.visibility == "anonymous" and not match.sme_consented:
            raise ConsentRequired("this problem is anonymous: the firm must consent to the introduction first "
                                  "(record its consent, then send the introduction)")
        check_date(session, match, when)
        coordinator = session.get(User, user_id) if user_id else None
        mails = build_introduction(session, match, problem, coordinator, base_url)
    ids = [send(m.to, m.subject, m.text) for m in mails]
    with runtime.db.session() as session:
        match = load_match(session, match_id)
        if match.stage != "approved":  # someone else introduced it meanwhile
            raise CurationError(f"this match is already {match.stage}")
        before = snapshot(match)
        match.stage = "introduced"
        record_event(session, match, user_id, "introduce", stage="introduced", at=when,
                     note=(note or "").strip() or f"introduction emailed to {len(mails)} recipients", before=before)
    return ids


def export_labels(runtime: Runtime) -> Iterator[dict[str, Any]]:
    """One record per curation decision or outcome event, oldest first: the training labels of the ranking."""
    query = (select(MatchEvent, Match, Problem).join(Match, Match.id == MatchEvent.match_id)
             .join(Problem, Problem.id == Match.problem_id).order_by(MatchEvent.at, MatchEvent.id))
    with runtime.db.session() as session:
        for event, match, problem in session.execute(query.execution_options(yield_per=500)):
            yield {
                "event_id": event.id,
                "match_id": match.id,
                "problem": {"id": problem.id, "title": problem.title, "text": problem.text},
                "candidate": {"entity_id": match.entity_id, "kind": match.entity_kind, "name": match.entity_name},
                "decision": event.decision,
                "stage": event.stage,
                "reason": event.note if event.decision in ("reject", "close", "correct") else None,
                "note": event.note,
                "value": event.value,
                "product": event.product,
                "features": dict(event.features or {}),
                "timestamp": aware(event.at).isoformat(),
                "user_id": event.user_id,
            }


def is_end_state(stage: str) -> bool:
    return stage in END_STATES


def problem_of(runtime: Runtime, match_id: int) -> str:
    """The problem a match belongs to (for redirects back to its page)."""
    with runtime.db.session() as session:
        return load_match(session, match_id).problem_id
