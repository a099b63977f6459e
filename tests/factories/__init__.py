"""Test data and logins, written once for every test folder: users, problems, matches, and three small worlds.

`site` is the network the site, API, access-matrix and browser tests search; `digests` the researchers and
problems of the digest and profile tests; `admin` the curated problems of the coordinator tests. Rows go in
through the models, as the importer would leave them. The `auth` fixture (tests/conftest.py) wraps the login
helpers for the default test client.
"""
from __future__ import annotations

import re
from typing import Any

from flask_login.utils import _create_identifier

from matcher.models import Match, Problem, User
from matcher.runtime import Runtime

PASSWORD = "correct horse battery"
_HASH: dict[str, str] = {}


def password_hash() -> str:
    """Hashing is deliberately slow; tests share one hash of PASSWORD."""
    if "h" not in _HASH:
        from web.security import hash_password

        _HASH["h"] = hash_password(PASSWORD)
    return _HASH["h"]


_shared_hash = password_hash  # new_user's keyword argument shadows the name


# --------------------------------------------------------------------------- logins


def csrf_token(client: Any, url: str = "/auth/login") -> str:
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def login(client: Any, email: str, password: str = PASSWORD) -> Any:
    """Log in through the real login form, CSRF token included; returns the response (302 on success)."""
    token = csrf_token(client)
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token})


def must_login(client: Any, email: str, password: str = PASSWORD) -> None:
    """Log in through the form and fail the test at once if that did not work."""
    response = login(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def login_as(client: Any, user_id: int) -> None:
    """Put a Flask-Login session for `user_id` into the client, as a real login stores it (id and session
    version), for tests whose subject is not the login form."""
    from web.security import fresh_session_user

    app = client.application
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
        user = fresh_session_user(user_id)
    assert user is not None
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess["_id"] = identifier


class Auth:
    """The `auth` fixture: log the test client in and out."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return login(self.client, email, password)

    def must_login(self, email: str, password: str = PASSWORD) -> None:
        must_login(self.client, email, password)

    def login_as(self, user_id: int) -> None:
        login_as(self.client, user_id)

    def logout(self) -> Any:
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(self.client, "/")})


# --------------------------------------------------------------------------- rows


def new_user(session: Any, email: str, role: str, *, password_hash: str | None = None, **extra: Any) -> User:
    """A user row in an open session (flushed, so its id is known); the password is PASSWORD by default."""
    extra.setdefault("display_name", email.split("@")[0])
    user = User(email=email, password_hash=password_hash or _shared_hash(), role=role, **extra)
    session.add(user)
    session.flush()
    return user


def add_user(runtime: Runtime, email: str, role: str, *, password_hash: str | None = None, **extra: Any) -> int:
    """A user in its own transaction; returns its id."""
    with runtime.db.session() as session:
        return int(new_user(session, email, role, password_hash=password_hash, **extra).id)


def new_problem(session: Any, problem_id: str, title: str, text: str, *, visibility: str = "public",
                **extra: Any) -> Problem:
    """A problem row in an open session (owner, organisation, region, created_at, status through `extra`)."""
    problem = Problem(id=problem_id, title=title, text=text, visibility=visibility, **extra)
    session.add(problem)
    return problem


def add_problem(runtime: Runtime, owner_id: int, visibility: str, *, title: str = "Porous laser welds",
                organization_id: str | None = None) -> str:
    """A firm's problem about porous laser welds, of the given visibility; returns its id."""
    problem_id = f"problem:{visibility}-{owner_id}"
    with runtime.db.session() as session:
        new_problem(session, problem_id, f"{title} ({visibility})",
                    "Our aluminium battery housings show porosity after laser welding.", visibility=visibility,
                    region="South", owner_user_id=owner_id, organization_id=organization_id)
    return problem_id


def add_match(runtime: Runtime, problem_id: str, entity_id: str, kind: str, name: str) -> int:
    """A suggested match with a score, a capability and one evidence sentence; returns its id."""
    with runtime.db.session() as s:
        row = Match(problem_id=problem_id, entity_id=entity_id, entity_kind=kind, entity_name=name, rank=1,
                    score=0.9, components={"lexical": 0.7, "capability": 0.2}, capabilities=["laser welding"],
                    evidence=[{"text": "We reduce porosity in laser welding.", "source": "publication",
                               "highlights": [[16, 24]]}], stage="suggested")
        s.add(row)
        s.flush()
        return row.id


def rebuild(runtime: Runtime) -> None:
    """Rebuild the search index from SQL, as production does after an import."""
    from matcher.indexing import rebuild_index

    rebuild_index(runtime)


def smtp_settings(host: str, port: int) -> dict[str, Any]:
    """App settings that send every mail through a loopback SMTP server."""
    return {"MAIL_PROVIDER": "smtp", "SMTP_HOST": host, "SMTP_PORT": port, "SMTP_TLS": False}


from .site import RESEARCHER_EMAIL, World, seed_entities  # noqa: E402 - site builds on the helpers above

__all__ = [
    "PASSWORD", "RESEARCHER_EMAIL", "Auth", "World", "add_match", "add_problem", "add_user", "csrf_token", "login",
    "login_as", "must_login", "new_problem", "new_user", "password_hash", "rebuild", "seed_entities", "smtp_settings",
]
