"""Probe finding 11: registration told whether an email had an account; public /healthz showed the index
path and raw error text."""
from __future__ import annotations

import json
import shutil
from typing import Any

from sqlalchemy import func, select

from matcher.models import User
from tests.factories import csrf_token, login


def _register(client: Any, email: str, password: str = "long enough pw") -> Any:
    token = csrf_token(client, "/auth/register")
    return client.post("/auth/register", data={"email": email, "role": "sme", "password": password,
                                               "confirm": password, "csrf_token": token})


def _visible(response: Any, client: Any) -> str:
    """What the visitor sees: the response and the page it redirects to (flash messages render there)."""
    text = response.get_data(as_text=True)
    if response.status_code in (301, 302, 303):
        text = response.headers["Location"] + "\n" + client.get(response.headers["Location"]).get_data(as_text=True)
    return text


def test_registration_answers_the_same_for_a_known_and_an_unknown_email(app, world) -> None:
    known_client, new_client = app.test_client(), app.test_client()
    known = _register(known_client, "SME@firm.example.com")
    fresh = _register(new_client, "nobody.yet@firm.example.com")
    assert known.status_code == fresh.status_code
    assert known.headers.get("Location") == fresh.headers.get("Location")
    known_page = _visible(known, known_client).replace("sme@firm.example.com", "EMAIL")
    fresh_page = _visible(fresh, new_client).replace("nobody.yet@firm.example.com", "EMAIL")
    strip = lambda page: "\n".join(l for l in page.splitlines() if "csrf" not in l)  # noqa: E731
    assert strip(known_page) == strip(fresh_page)
    assert "already" not in known_page


def test_the_owner_of_a_known_email_is_told_by_mail_and_nothing_changes(app, client, runtime, world) -> None:
    _register(client, "sme@firm.example.com", password="attacker password")
    [mail] = app.extensions["mail"].outbox
    assert mail["To"] == "sme@firm.example.com"
    assert "already have an account" in mail.get_content()
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 5
    assert login(client, "sme@firm.example.com", "attacker password").status_code == 200  # refused


def test_a_new_account_is_created_by_the_mailed_link_and_the_chosen_password(app, client, runtime) -> None:
    _register(client, "new@firm.example.com", password="my own password")
    [mail] = app.extensions["mail"].outbox
    link = next(w for w in mail.get_content().split() if "/auth/register/" in w)
    path = link.split("localhost", 1)[1]
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0  # nothing before the link
    form = client.get(path)
    assert form.status_code == 200
    token = csrf_token(client, path)
    wrong = client.post(path, data={"password": "somebody else's", "csrf_token": token})
    assert wrong.status_code == 200
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
    done = client.post(path, data={"password": "my own password", "csrf_token": token})
    assert done.status_code == 302
    assert client.get("/problems").status_code == 200
    with runtime.db.session() as session:
        assert session.scalar(select(User.email)) == "new@firm.example.com"


def test_public_healthz_shows_no_path_or_error_text(app, client, world) -> None:
    index_dir = app.config["INDEX_DIR"]
    ok = client.get("/healthz")
    assert index_dir not in ok.get_data(as_text=True)
    assert ok.get_json() == {"status": "ok", "database": {"status": "ok"}, "search": {"status": "ok"}}
    app.extensions["innobridge"]._search = None  # the next request opens the index afresh
    shutil.rmtree(index_dir)
    (__import__("pathlib").Path(index_dir)).write_text("not a directory")
    broken = client.get("/healthz")
    body = broken.get_data(as_text=True)
    assert broken.status_code == 503
    assert json.loads(body) == {"status": "error", "database": {"status": "ok"}, "search": {"status": "error"}}
    assert index_dir not in body


def test_coordinators_see_the_details(app, client, world) -> None:
    login(client, "coord@institute.example.org")
    details = client.get("/healthz").get_json()
    assert details["search"]["index_dir"] == app.config["INDEX_DIR"]
    assert details["database"]["dialect"] in ("sqlite", "postgresql")
