"""Queries on user accounts (the `User` row); services.accounts decides what may change."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from matcher.models import User


def user_by_email(session: Session, email: str) -> User | None:
    """Emails are stored lower-cased but compared case-insensitively, as older rows may not be."""
    return session.scalar(select(User).where(func.lower(User.email) == email))


def email_taken(session: Session, email: str) -> bool:
    return session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None


def active_user_by_token_hash(session: Session, token_hash: str) -> User | None:
    return session.scalar(select(User).where(User.api_token_hash == token_hash, User.active.is_(True)))


def update_user(session: Session, user_id: int, **values: Any) -> bool:
    """Set columns of one user row in one UPDATE; False when no row has that id."""
    return bool(session.execute(update(User).where(User.id == user_id).values(**values)).rowcount)


def next_session_version() -> Any:
    """The UPDATE expression that ends every session of a user (the login session carries the version)."""
    return func.coalesce(User.session_version, 0) + 1


def locales_by_email(session: Session, emails: list[str]) -> dict[str, str]:
    rows = session.execute(select(User.email, User.locale).where(func.lower(User.email).in_(emails),
                                                                 User.locale.is_not(None)))
    return {email.lower(): locale for email, locale in rows}


def researcher_account_locale(session: Session, researcher_id: str) -> str | None:
    return session.scalar(select(User.locale).where(User.researcher_id == researcher_id,
                                                    User.locale.is_not(None)).limit(1))


def active_emails_of_role(session: Session, role: str) -> list[str]:
    return list(session.scalars(select(User.email).where(User.role == role, User.active.is_(True))
                                .order_by(User.id)))


def emails_by_id(session: Session, user_ids: Collection[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(user_ids))).all())


def accounts_of_researcher(session: Session, researcher_id: str, claimed_by: int | None) -> list[User]:
    """Accounts that manage the researcher profile, or that claimed it."""
    return list(session.scalars(select(User).where(or_(User.researcher_id == researcher_id,
                                                       User.id == claimed_by))).all())


def account_ids_of_researcher(session: Session, researcher_id: str) -> set[int]:
    return set(session.scalars(select(User.id).where(User.researcher_id == researcher_id)).all())
