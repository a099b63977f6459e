"""Who is asking: login sessions, roles, API tokens and rate limits, shared by every blueprint."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, g, request, session
from flask_babel import gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import AnonymousUserMixin, current_user, login_required
from werkzeug.security import check_password_hash, generate_password_hash

from matcher.services import accounts
from matcher.services.problems import POSTER_ROLES

from .extensions import login_manager, runtime
from .labels import N_

F = TypeVar("F", bound=Callable[..., Any])

limiter = Limiter(key_func=get_remote_address, default_limits=[])

STAFF_ROLES = ("coordinator", "admin")


class SessionUser:
    """The logged-in user as Flask-Login sees it: a detached snapshot, never a live ORM row."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: accounts.Account) -> None:
        self.id = user.id
        self.session_version = user.session_version or 0
        self.email = user.email
        self.role = user.role
        self.display_name = user.display_name or user.email
        self.organization_id = user.organization_id
        self.researcher_id = user.researcher_id
        self.locale = user.locale

    def get_id(self) -> str:
        """What the session cookie stores: the id and the session version it was issued under."""
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def can_post_problems(self) -> bool:
        """Whether pages may offer "post your problem" (a researcher's account may not post)."""
        return self.role in POSTER_ROLES


class Anonymous(AnonymousUserMixin):
    role = None
    id = None
    organization_id = None
    researcher_id = None
    locale = None

    def has_role(self, *roles: str) -> bool:
        return False

    @property
    def is_staff(self) -> bool:
        return False

    @property
    def can_post_problems(self) -> bool:
        """A visitor is offered posting: the form asks them to log in or register first."""
        return True


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def hash_token(token: str) -> str:
    """API tokens are stored as SHA-256 digests: a database leak does not leak working tokens."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_api_token() -> str:
    return "ib_" + secrets.token_urlsafe(32)


def load_user(session_id: str) -> SessionUser | None:
    """The session's user, only while the session version it carries is the user's current one."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(session_id) > 40:
        return None
    user = accounts.get_account(runtime(), int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return SessionUser(user)


def fresh_session_user(user_id: int) -> SessionUser | None:
    """The user to log in right after an account was created or verified (the current session version)."""
    user = accounts.get_account(runtime(), user_id)
    return SessionUser(user) if user is not None and user.active else None


def user_from_token(token: str) -> SessionUser | None:
    user = accounts.find_by_token_hash(runtime(), hash_token(token))
    return SessionUser(user) if user is not None else None


def roles_required(*roles: str) -> Callable[[F], F]:
    """Allow only logged-in users with one of `roles`: anonymous -> login page, wrong role -> 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


staff_required = roles_required(*STAFF_ROLES)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    # Flask-Login flashes its own English sentence unless given one to translate at request time.
    login_manager.login_message = N_("Please log in to see this page.")
    login_manager.localize_callback = gettext
    login_manager.session_protection = "strong"
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)

    @app.before_request
    def _remember_request_start() -> None:
        g.request_path = request.path

    @app.before_request
    def _identify_visitor_session() -> None:
        """Flask-Login's strong protection compares a session's ``_id`` (the visitor's address and browser)
        with the request's. A visitor's session holds a CSRF token and no ``_id``, so every page "failed"
        the check: the session was rewritten and a remember-cookie deletion sent with each response. A
        session without a logged-in user has nothing to protect, so it is given the current ``_id``; a
        logged-in one is left to the check."""
        if session and "_user_id" not in session:
            ident = login_manager._session_identifier_generator()  # what the check compares with
            if session.get("_id") != ident:
                session["_id"] = ident
