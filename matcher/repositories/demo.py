"""Look-ups only the demo's seeding needs: which firm, researcher and problems to dress up as a live network."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.models import CapabilityEvidence, DocumentEntity, Match, Organization, Problem, Researcher, User


def user_emails(session: Session) -> set[str]:
    return set(session.scalars(select(User.email)))


def first_firm_id(session: Session) -> str | None:
    return session.scalar(select(Organization.id).where(Organization.kind == "firm").order_by(Organization.id))


def most_documented_researcher(session: Session) -> str | None:
    """The researcher linked to the most documents (ties by id)."""
    return session.scalar(
        select(DocumentEntity.entity_id).where(DocumentEntity.entity_kind == "researcher")
        .group_by(DocumentEntity.entity_id).order_by(func.count().desc(), DocumentEntity.entity_id))


def newest_unmatched_public_problems(session: Session, limit: int) -> list[str]:
    return list(session.scalars(
        select(Problem.id).where(Problem.visibility == "public", Problem.id.not_in(select(Match.problem_id)))
        .order_by(Problem.created_at.desc(), Problem.id).limit(limit)).all())


def match_total(session: Session, *, curated_only: bool = False) -> int:
    """How many matches are stored; `curated_only`: those a coordinator moved past "suggested"."""
    query = select(func.count()).select_from(Match)
    if curated_only:
        query = query.where(Match.stage != "suggested")
    return int(session.scalar(query) or 0)


def first_matched_problem(session: Session) -> str | None:
    return session.scalar(select(Match.problem_id).order_by(Match.id))


def match_ids_by_rank(session: Session, problem_id: str) -> list[int]:
    return list(session.scalars(select(Match.id).where(Match.problem_id == problem_id).order_by(Match.rank)).all())


def public_problems_since(session: Session, since: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(Problem).where(
        Problem.visibility == "public", Problem.created_at > since)) or 0)


def newest_public_problems(session: Session, limit: int) -> list[Problem]:
    return list(session.scalars(select(Problem).where(Problem.visibility == "public")
                                .order_by(Problem.created_at.desc(), Problem.id).limit(limit)).all())


def demo_subscribers(session: Session) -> list[str]:
    """Researchers already given an @example.org address and a digest, by id."""
    return list(session.scalars(select(Researcher.id).where(Researcher.email.like("%@example.org"),
                                                            Researcher.digest_frequency != "off")
                                .order_by(Researcher.id)).all())


def researchers_by_evidence(session: Session, limit: int) -> list[tuple[str, int]]:
    """(researcher id, evidence rows on their counted documents), most first (ties by id)."""
    return [(rid, int(n)) for rid, n in session.execute(
        select(DocumentEntity.entity_id, func.count())
        .join(CapabilityEvidence, CapabilityEvidence.entity_id == DocumentEntity.document_id)
        .where(DocumentEntity.entity_kind == "researcher", DocumentEntity.excluded.is_(False))
        .group_by(DocumentEntity.entity_id)
        .order_by(func.count().desc(), DocumentEntity.entity_id).limit(limit)).all()]


def researcher_emails(session: Session) -> set[str]:
    return set(session.scalars(select(Researcher.email).where(Researcher.email.is_not(None))).all())
