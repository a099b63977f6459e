"""Coordinator curation: the queue of new problems and the decisions taken on their suggested matches.

Each decision (approve, reject, pin, annotate, add a partner, consent, introduce) changes the
match, writes a MatchEvent with the ranking features at decision time (labels to learn from) and
an audit row, in one transaction. Mail leaves through a callable the web layer passes in, so the
core never depends on a mail provider.

This module holds the decisions on a problem or a match and the export of their labels; the rest of
curation lives beside it and is re-exported here, so callers keep using `curation.<name>`:
curation_queue (what coordinators see), curation_partners (matcher-backed candidates and additions),
curation_introductions (the introduction emails) and curation_errors.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from matcher.models import Problem
from matcher.repositories import problems as problem_queries
from matcher.runtime import Runtime
from matcher.timeutil import aware

from . import audit
from .curation_errors import ConsentRequired, CurationError
from .curation_introductions import IntroductionFacts, IntroductionMail, Sender, build_introduction, introduce
from .curation_partners import PARTNER_TABLES, Candidate, add_partner, search_partners, suggest_matches
from .curation_queue import QUEUE_STATUSES, MatchRow, ProblemItem, get_problem, problem_of, queue
from .outcomes import END_STATES, NotFound, load_match, record_event, snapshot

__all__ = [
    "PARTNER_TABLES", "QUEUE_STATUSES", "Candidate", "ConsentRequired", "CurationError", "IntroductionFacts",
    "IntroductionMail", "MatchRow", "ProblemItem", "Sender", "add_partner", "annotate", "approve", "build_introduction",
    "export_labels", "get_problem", "introduce", "is_end_state", "problem_of", "queue", "record_consent",
    "reject", "search_partners", "set_pinned", "set_problem_status", "suggest_matches",
]


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


def export_labels(runtime: Runtime) -> Iterator[dict[str, Any]]:
    """One record per curation decision or outcome event, oldest first: the training labels of the ranking."""
    with runtime.db.session() as session:
        for event, match, problem in problem_queries.labelled_events(session):
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
