"""Introductions: the two emails that put a firm and a research partner in touch, and sending them.

Kept apart from the other decisions because it is the one that talks to the outside world: mail leaves
through a Sender callable the web layer passes in, so the core never depends on a mail provider.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from matcher.models import Match, Organization, Problem, Researcher, User
from matcher.repositories import network as network_queries
from matcher.repositories import problems as problem_queries
from matcher.runtime import Runtime

from .curation_errors import ConsentRequired, CurationError
from .outcomes import NotFound, check_date, load_match, record_event, snapshot, to_datetime

#: Send one message: (to, subject, text) -> message id. The web layer wraps its mail provider in this.
Sender = Callable[[str, str, str], str]


@dataclass(frozen=True)
class IntroductionMail:
    to: str
    subject: str
    text: str


@dataclass(frozen=True)
class IntroductionFacts:
    """What the two messages say, so a caller can write them in each reader's language (the web layer does)."""

    owner_email: str
    owner_name: str
    partner_email: str
    partner_name: str
    contact_name: str
    firm: str
    signer: str
    problem_title: str
    problem_text: str
    link: str
    capabilities: tuple[str, ...]
    nda: bool


#: Writes the firm's and the partner's message from the facts; None: the English texts below.
Composer = Callable[[IntroductionFacts], list[IntroductionMail]]


def _contact(session: Session, match: Match) -> tuple[str, str] | None:
    """(email, name) of the person to introduce for this match: the researcher, or a lab's first researcher."""
    if match.entity_kind == "researcher":
        person = session.get(Researcher, match.entity_id)
        people = [person] if person is not None else []
    elif match.entity_kind == "lab":
        people = network_queries.lab_members(session, match.entity_id)
    else:
        people = []
    for person in people:
        if person.email:
            return person.email, person.name
    return None


def has_contact(session: Session, match: Match) -> bool:
    """Whether an introduction to this match's partner can be sent (someone with an email on file)."""
    return _contact(session, match) is not None


def _nda_note(session: Session, match: Match) -> str:
    return ("Confidentiality: the firm asked for a confidentiality agreement (NDA) before sharing details.\n\n"
            if problem_queries.nda_requested(session, match.id) else "")


def build_introduction(session: Session, match: Match, problem: Problem, coordinator: User | None,
                       base_url: str, compose: Composer | None = None) -> list[IntroductionMail]:
    """The two messages of an introduction. The researcher's address is never put in the firm's message:
    the researcher receives the firm's contact and replies if interested."""
    owner = session.get(User, problem.owner_user_id) if problem.owner_user_id else None
    if owner is None or not owner.email:
        raise CurationError("the problem has no owner with an email address to introduce")
    contact = _contact(session, match)
    if contact is None:
        raise CurationError(f"no contact email on file for {match.entity_name}; add one under Data care "
                            f"(Admin > Data care > Researchers) first")
    org = session.get(Organization, problem.organization_id) if problem.organization_id else None
    firm = (org.name if org else None) or owner.display_name or owner.email
    signer = (coordinator.display_name or coordinator.email) if coordinator else "InnoBridge"
    link = f"{base_url.rstrip('/')}/problems/{problem.id}"
    nda = _nda_note(session, match)
    if compose is not None:
        return compose(IntroductionFacts(
            owner_email=owner.email, owner_name=owner.display_name or "", partner_email=contact[0],
            partner_name=match.entity_name, contact_name=contact[1], firm=firm, signer=signer,
            problem_title=problem.title, problem_text=problem.text[:2000], link=link,
            capabilities=tuple(match.capabilities or ()), nda=bool(nda)))
    sme_text = (
        f"Hello {owner.display_name or ''},\n\n"
        f"About your problem \"{problem.title}\", we have introduced you to {match.entity_name}"
        f"{' (' + contact[1] + ')' if contact[1] != match.entity_name else ''}.\n"
        f"We have passed your contact details on; they will get in touch with you.\n\n{nda}"
        f"Why we suggest them: {', '.join(match.capabilities or []) or 'see the problem page'}.\n"
        f"{link}\n\n-- {signer}, InnoBridge coordinator\n"
    )
    researcher_text = (
        f"Hello {contact[1]},\n\n"
        f"{firm} is looking for a research partner for this problem:\n\n"
        f"  {problem.title}\n\n{problem.text[:2000]}\n\n"
        f"Matching expertise: {', '.join(match.capabilities or []) or '-'}.\n{nda}"
        f"If you are interested, please contact them at {owner.email}.\n\n"
        f"-- {signer}, InnoBridge coordinator\n"
    )
    subject = f"InnoBridge introduction: {problem.title}"[:200]
    return [IntroductionMail(owner.email, subject, sme_text), IntroductionMail(contact[0], subject, researcher_text)]


def introduce(runtime: Runtime, match_id: int, user_id: int | None, send: Sender, *, base_url: str = "",
              at: date | datetime | None = None, note: str | None = None,
              compose: Composer | None = None) -> list[str]:
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
        mails = build_introduction(session, match, problem, coordinator, base_url, compose)
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
