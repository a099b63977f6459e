"""User accounts: creation, lookup, password and API-token changes.

The core never hashes passwords itself (the web layer owns the hashing scheme); it stores
the hashes it is given, so the CLI and the site share one way to create and change accounts.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from matcher.models import User
from matcher.repositories import accounts as queries
from matcher.runtime import Runtime
from matcher.types import ROLES

#: Roles anyone may pick when registering on the site; staff roles are granted by operators only.
SELF_SERVICE_ROLES: tuple[str, ...] = ("sme", "researcher")


class AccountError(ValueError):
    """A request that cannot be honoured (duplicate email, unknown role); the message is user-safe."""


@dataclass(frozen=True)
class Account:
    """A detached snapshot of a user row, safe to pass around after the session closed."""

    id: int
    email: str
    role: str
    display_name: str | None
    password_hash: str
    active: bool
    organization_id: str | None = None
    researcher_id: str | None = None
    locale: str | None = None
    session_version: int = 0


def _snapshot(user: User) -> Account:
    return Account(
        id=user.id, email=user.email, role=user.role, display_name=user.display_name,
        password_hash=user.password_hash, active=user.active, organization_id=user.organization_id,
        researcher_id=user.researcher_id, locale=user.locale, session_version=user.session_version or 0,
    )


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively, so two registrations cannot differ only by case."""
    return email.strip().lower()


def create_user(
    runtime: Runtime,
    email: str,
    password_hash: str,
    role: str = "sme",
    *,
    display_name: str | None = None,
    researcher_id: str | None = None,
    organization_id: str | None = None,
) -> Account:
    """Create an account; raises AccountError for an unknown role or an email already taken."""
    email = normalize_email(email)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 320:
        raise AccountError("a valid email address is required")
    with runtime.db.session() as session:
        if queries.email_taken(session, email):
            raise AccountError("an account with this email already exists")
        user = User(email=email, password_hash=password_hash, role=role, display_name=display_name,
                    researcher_id=researcher_id, organization_id=organization_id, active=True)
        session.add(user)
        session.flush()
        return _snapshot(user)


def get_account(runtime: Runtime, user_id: int) -> Account | None:
    with runtime.db.session() as session:
        user = session.get(User, user_id)
        return _snapshot(user) if user is not None else None


def find_by_email(runtime: Runtime, email: str) -> Account | None:
    with runtime.db.session() as session:
        user = queries.user_by_email(session, normalize_email(email))
        return _snapshot(user) if user is not None else None


def find_by_token_hash(runtime: Runtime, token_hash: str) -> Account | None:
    """The active account holding an API token with this hash (tokens are stored hashed only)."""
    with runtime.db.session() as session:
        user = queries.active_user_by_token_hash(session, token_hash)
        return _snapshot(user) if user is not None else None


def _update_user(runtime: Runtime, user_id: int, **values: Any) -> None:
    """Set columns of one user row in one UPDATE; an unknown id is an AccountError."""
    with runtime.db.session() as session:
        if not queries.update_user(session, user_id, **values):
            raise AccountError("unknown user")


def set_password_hash(runtime: Runtime, user_id: int, password_hash: str) -> None:
    """Replace the password hash; this also ends every session and outstanding reset link (see fingerprint)."""
    _update_user(runtime, user_id, password_hash=password_hash, session_version=queries.next_session_version())


def end_sessions(runtime: Runtime, user_id: int) -> None:
    """Invalidate every login session of the user (logout): a copied cookie stops working too."""
    with runtime.db.session() as session:  # no error for a user deleted meanwhile: logging out still works
        queries.update_user(session, user_id, session_version=queries.next_session_version())


def set_api_token_hash(runtime: Runtime, user_id: int, token_hash: str | None) -> None:
    """Store only the hash of a new API token (None revokes it)."""
    _update_user(runtime, user_id, api_token_hash=token_hash)


def set_locale(runtime: Runtime, user_id: int, locale: str | None) -> None:
    """Remember the user's language for pages and mails (None: follow the browser again)."""
    _update_user(runtime, user_id, locale=locale)


def locales_for_emails(runtime: Runtime, emails: list[str]) -> dict[str, str]:
    """The chosen language of each address that belongs to a user who chose one (mails go out in it)."""
    wanted = [normalize_email(e) for e in emails if e]
    if not wanted:
        return {}
    with runtime.db.session() as session:
        return queries.locales_by_email(session, wanted)


def researcher_locale(runtime: Runtime, researcher_id: str) -> str | None:
    """The language chosen by the account that manages a researcher profile (its digests go out in it)."""
    with runtime.db.session() as session:
        return queries.researcher_account_locale(session, researcher_id)


def emails_for_role(runtime: Runtime, role: str) -> list[str]:
    """Active users of one role, e.g. the coordinators to notify about an introduction request."""
    with runtime.db.session() as session:
        return queries.active_emails_of_role(session, role)


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the current hash: a reset link carrying it dies once the password changes."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]
