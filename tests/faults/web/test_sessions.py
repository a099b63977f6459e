"""Probe finding 4: a copied session cookie outlived logout and password reset. Now both end it."""
from __future__ import annotations

from typing import Any

from tests import factories
from tests.factories import csrf_token, login, password_hash
from web.auth.tokens import make_reset_token
from matcher.services import accounts


def _logged_in_copy(app: Any, client: Any, email: str) -> Any:
    """Log `client` in and return a second client holding a copy of its session cookie (the attacker)."""
    assert login(client, email).status_code == 302
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie after login"
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    assert thief.get("/problems").status_code == 200, "the copied cookie should work before logout"
    return thief


def test_logout_ends_a_copied_session(app, client, runtime) -> None:
    factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    thief = _logged_in_copy(app, client, "sme@firm.example.com")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    response = thief.get("/problems")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_password_reset_ends_every_session(app, client, runtime) -> None:
    factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    thief = _logged_in_copy(app, client, "sme@firm.example.com")
    with app.test_request_context():
        token = make_reset_token(accounts.find_by_email(runtime, "sme@firm.example.com"))
    other = app.test_client()
    form = csrf_token(other, f"/auth/reset/{token}")
    done = other.post(f"/auth/reset/{token}", data={"password": "a brand new pw", "confirm": "a brand new pw",
                                                   "csrf_token": form})
    assert done.status_code == 302
    assert thief.get("/problems").status_code == 302
    assert client.get("/problems").status_code == 302
    assert login(other, "sme@firm.example.com", "a brand new pw").status_code == 302
    assert other.get("/problems").status_code == 200


def test_password_change_by_the_core_ends_sessions(app, client, runtime) -> None:
    user_id = factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    thief = _logged_in_copy(app, client, "sme@firm.example.com")
    accounts.set_password_hash(runtime, user_id, password_hash())
    assert thief.get("/problems").status_code == 302


def test_a_session_cookie_from_before_the_version_is_refused(app, client, runtime) -> None:
    """A forged or old-format session naming only the user id must not log anyone in."""
    from flask_login.utils import _create_identifier

    user_id = factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what "strong" session protection compares
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session["_id"] = identifier
    assert client.get("/problems").status_code == 302


def test_logging_in_again_after_logout_works(app, client, runtime) -> None:
    factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    login(client, "sme@firm.example.com")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, "sme@firm.example.com").status_code == 302
    assert client.get("/problems").status_code == 200


def test_a_visitor_session_is_not_rewritten_on_every_page(app, client, runtime) -> None:
    """A visitor's session (a CSRF token) failed Flask-Login's strong check on every request: each page
    re-sent the session cookie and a remember-cookie deletion. After the first pages, nothing is sent."""
    csrf_token(client, "/")  # the visitor now holds a session with a CSRF token
    client.get("/")
    for _ in range(2):
        response = client.get("/about")
        assert response.status_code == 200
        assert response.headers.getlist("Set-Cookie") == []
    # a logged-in session is still checked: a copy used from another browser is refused
    factories.add_user(runtime, "visitor@firm.example.com", "sme", password_hash=password_hash())
    thief = _logged_in_copy(app, client, "visitor@firm.example.com")
    response = thief.get("/problems", headers={"User-Agent": "another browser"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
