"""Accounts: register, log in/out, password reset links, cookie flags, rate limits and the users CLI."""
from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from matcher.models import User
from tests import factories
from tests.factories import csrf_token, login, password_hash


def _register(client: Any, email: str, role: str = "sme", password: str = "long enough pw") -> Any:
    """Fill the form, then open the mailed link and confirm with the password, as a new user does."""
    token = csrf_token(client, "/auth/register")
    response = client.post("/auth/register", data={"email": email, "role": role, "password": password,
                                                   "confirm": password, "csrf_token": token})
    outbox = client.application.extensions["mail"].outbox
    links = [w for w in (outbox[-1].get_content().split() if outbox else []) if "/auth/register/" in w]
    if response.status_code != 302 or not links:
        return response
    path = links[0].split("localhost", 1)[1]
    return client.post(path, data={"password": password, "csrf_token": csrf_token(client, path)})


def _users(runtime: Any) -> list[User]:
    with runtime.db.session() as s:
        return list(s.scalars(select(User)))


def test_register_creates_an_sme_with_a_hashed_password_and_logs_in(client, runtime) -> None:
    response = _register(client, "New@Firm.example.com")
    assert response.status_code == 302
    [user] = _users(runtime)
    assert (user.email, user.role) == ("new@firm.example.com", "sme")
    assert "long enough pw" not in user.password_hash
    assert client.get("/problems").status_code == 200


def test_register_as_researcher_is_allowed(client, runtime) -> None:
    _register(client, "r@uni.example.edu", role="researcher")
    assert [u.role for u in _users(runtime)] == ["researcher"]


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_nobody_registers_as_staff(client, runtime, role: str) -> None:
    response = _register(client, "sneaky@example.com", role=role)
    assert response.status_code == 200
    assert _users(runtime) == []


def test_duplicate_email_creates_nothing_and_mails_the_owner(client, runtime) -> None:
    _register(client, "a@firm.example.com")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    response = _register(client, "A@firm.example.com")
    assert response.status_code == 302
    assert "already have an account" in client.application.extensions["mail"].outbox[-1].get_content()
    assert len(_users(runtime)) == 1


def test_login_logout(client, runtime) -> None:
    factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    bad = login(client, "sme@firm.example.com", "wrong password!")
    assert bad.status_code == 200 and "wrong password" in bad.get_data(as_text=True)
    assert client.get("/problems").status_code == 302
    good = login(client, "SME@firm.example.com")
    assert good.status_code == 302
    assert client.get("/problems").status_code == 200
    assert client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    assert client.get("/problems").status_code == 302


def test_login_redirects_only_to_local_paths(client, runtime) -> None:
    factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    token = csrf_token(client)
    for target, expected in (("//evil.example.com/x", "/"), ("https://evil.example.com/", "/"),
                             ("/problems", "/problems")):
        response = client.post(f"/auth/login?next={target}", data={
            "email": "sme@firm.example.com", "password": factories.PASSWORD, "csrf_token": token})
        assert response.headers["Location"] == expected
        token = csrf_token(client, "/")


def test_session_cookie_is_httponly_and_samesite(client, runtime) -> None:
    factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    response = login(client, "sme@firm.example.com")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and "session" in v)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _reset_link(app: Any, client: Any, email: str) -> str:
    client.post("/auth/reset", data={"email": email, "csrf_token": csrf_token(client, "/auth/reset")})
    outbox = app.extensions["mail"].outbox
    assert outbox, "no reset mail was sent"
    body = outbox[-1].get_content()
    return re.search(r"http://localhost(/auth/reset/\S+)", body).group(1)  # type: ignore[union-attr]


def test_password_reset_link_works_once(app, client, runtime) -> None:
    factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    link = _reset_link(app, client, "sme@firm.example.com")
    assert app.extensions["mail"].outbox[-1]["To"] == "sme@firm.example.com"
    assert client.get(link).status_code == 200
    token = csrf_token(client, link)
    response = client.post(link, data={"password": "a brand new pw", "confirm": "a brand new pw",
                                       "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert login(client, "sme@firm.example.com", "a brand new pw").status_code == 302
    # The same link is dead now: the password hash it was bound to changed.
    reused = client.get(link)
    assert reused.status_code == 302 and reused.headers["Location"] == "/auth/reset"


def test_password_reset_link_expires(app, client, runtime) -> None:
    factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=password_hash())
    link = _reset_link(app, client, "sme@firm.example.com")
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert client.get(link).headers["Location"] == "/auth/reset"


def test_forged_reset_token_is_refused(client) -> None:
    assert client.get("/auth/reset/not-a-token").headers["Location"] == "/auth/reset"


def test_reset_for_unknown_email_sends_nothing_and_says_the_same(app, client) -> None:
    response = client.post("/auth/reset", data={"email": "ghost@example.com",
                                                "csrf_token": csrf_token(client, "/auth/reset")})
    assert response.status_code == 302
    assert app.extensions["mail"].outbox == []


@pytest.fixture
def limited_app(app_config: dict[str, Any]):  # type: ignore[no-untyped-def]
    from web import create_app

    application = create_app({**app_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute",
                               "SEARCH_RATE_LIMIT": "2 per minute", "WTF_CSRF_ENABLED": False})
    yield application
    application.extensions["innobridge"].close()


def test_login_is_rate_limited(limited_app) -> None:
    client = limited_app.test_client()
    codes = [client.post("/auth/login", data={"email": "x@example.com", "password": "nope nope"}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Too many requests" in client.post("/auth/login", data={}).get_data(as_text=True)


def test_api_search_is_rate_limited_with_a_problem_document(limited_app) -> None:
    client = limited_app.test_client()
    codes = [client.get("/api/v1/search?q=").status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    response = client.get("/api/v1/search?q=")
    assert response.mimetype == "application/problem+json" and response.json["status"] == 429


def test_cli_creates_users_from_stdin_and_issues_hashed_tokens(app, runner, runtime) -> None:
    result = runner.invoke(args=["users", "create", "--email", "Coord@Inst.example.org", "--role", "coordinator",
                                 "--password-stdin"], input="a long secret pw\n")
    assert result.exit_code == 0, result.output
    [user] = _users(runtime)
    assert (user.email, user.role) == ("coord@inst.example.org", "coordinator")
    client = app.test_client()
    assert login(client, "coord@inst.example.org", "a long secret pw").status_code == 302
    duplicate = runner.invoke(args=["users", "create", "--email", "coord@inst.example.org", "--password-stdin"],
                              input="another long pw\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(args=["users", "create", "--email", "x@inst.example.org", "--password-stdin"],
                          input="short\n")
    assert short.exit_code != 0
    issued = runner.invoke(args=["users", "token", "--email", "coord@inst.example.org"])
    token = issued.output.strip()
    assert issued.exit_code == 0 and token.startswith("ib_")
    [user] = _users(runtime)
    assert user.api_token_hash and token not in user.api_token_hash
    ok = client.get("/api/v1/problems", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    runner.invoke(args=["users", "token", "--email", "coord@inst.example.org", "--revoke"])
    revoked = client.get("/api/v1/problems", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401 and revoked.mimetype == "application/problem+json"


def test_error_pages_html_for_the_site_and_problem_json_for_the_api(client) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404 and page.mimetype == "text/html" and "Not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/no/such")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert set(api.json) >= {"type", "title", "status", "detail", "instance"}
    assert api.json["instance"] == "/api/v1/no/such"
