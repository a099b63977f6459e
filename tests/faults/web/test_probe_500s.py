"""Probe finding 9 and the smaller API findings: requests that answered 500 now get a clear 4xx.

On the API the answer is an RFC 9457 problem document; on the site, the HTML error page.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from matcher.models import IntroductionRequest, Problem
from matcher.services import accounts
from tests import factories
from tests.factories import csrf_token, login
from web.security import hash_token

TOKEN = "ib_fault_sme_token"
TEXT = "Porosity in laser welded aluminium battery trays after the seal weld."


@pytest.fixture
def sme_token(runtime: Any, world: factories.World) -> dict[str, str]:
    accounts.set_api_token_hash(runtime, world.users["sme"], hash_token(TOKEN))
    return {"Authorization": f"Bearer {TOKEN}"}


def _problem_json(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"] and body["title"] and body["type"]
    return body


def _problem_count(runtime: Any) -> int:
    with runtime.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Problem)) or 0)


@pytest.mark.parametrize("path", ["/admin/", "/admin/audit", "/admin/imports", "/admin/data/researcher"])
def test_an_absurd_admin_page_number_is_a_400(client, world, path: str) -> None:
    login(client, "coord@institute.example.org")
    response = client.get(f"{path}?page=400000000000000000")
    assert response.status_code == 400


def test_an_absurd_job_id_is_a_4xx(client, world) -> None:
    login(client, "admin@institute.example.org")
    for huge in ("400000000000000000", "99999999999999999999999"):  # past PostgreSQL's int4, past SQLite's int8
        assert client.get(f"/admin/jobs?watch={huge}").status_code in (200, 400)
        assert client.get(f"/admin/jobs/progress?id={huge}").status_code in (400, 404)


def test_login_with_a_crlf_next_redirects_home(client, world) -> None:
    response = client.post("/auth/login?next=/%0D%0A//evil.example", data={
        "email": "sme@firm.example.com", "password": factories.PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_deeply_nested_json_is_a_400(client, sme_token) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/problems", data=body, headers={**sme_token, "Content-Type": "application/json"})
    _problem_json(response, 400)


def test_a_title_with_a_lone_surrogate_is_refused(client, runtime, sme_token) -> None:
    body = '{"title": "Weld \\ud800 porosity", "text": "%s", "visibility": "public"}' % TEXT
    response = client.post("/api/v1/problems", data=body, headers={**sme_token, "Content-Type": "application/json"})
    assert "surrogate" in _problem_json(response, 422)["detail"] or "character" in response.get_json()["detail"]
    assert _problem_count(runtime) == 3  # the world's three, nothing new


@pytest.mark.parametrize("field", ["title", "text", "region", "budget", "timeline"])
def test_nul_characters_are_refused_on_the_api(client, runtime, sme_token, field: str) -> None:
    data = {"title": "Weld porosity", "text": TEXT, field: (TEXT if field == "text" else "North") + "\x00x"}
    response = client.post("/api/v1/problems", json=data, headers=sme_token)
    assert "NUL" in _problem_json(response, 422)["detail"]
    assert _problem_count(runtime) == 3


def test_nul_characters_in_a_site_form_are_refused(client, runtime, world) -> None:
    login(client, "sme@firm.example.com")
    response = client.post("/problems/new", data={"title": "Weld\x00 porosity", "text": TEXT, "visibility": "public",
                                                  "csrf_token": csrf_token(client, "/problems/new")})
    assert response.status_code == 400
    assert _problem_count(runtime) == 3


@pytest.mark.parametrize("url", ["/api/v1/entities/researcher:%00", "/api/v1/problems/problem:%00x",
                                 "/entities/researcher:%00", "/search?q=weld%00ing&kind=researcher",
                                 "/api/v1/search?q=weld%00ing"])
def test_nul_characters_in_urls_are_a_400(client, world, url: str) -> None:
    assert client.get(url).status_code == 400


def test_a_title_over_500_characters_is_refused_not_cut(client, runtime, sme_token) -> None:
    response = client.post("/api/v1/problems", json={"title": "T" * 501, "text": TEXT}, headers=sme_token)
    assert "500" in _problem_json(response, 422)["detail"]
    assert _problem_count(runtime) == 3
    ok = client.post("/api/v1/problems", json={"title": "T" * 500, "text": TEXT}, headers=sme_token)
    assert ok.status_code == 201 and ok.get_json()["title"] == "T" * 500


def test_a_site_title_over_500_characters_is_refused(client, runtime, world) -> None:
    login(client, "sme@firm.example.com")
    response = client.post("/problems/new", data={"title": "T" * 501, "text": TEXT, "visibility": "public",
                                                  "csrf_token": csrf_token(client, "/problems/new")})
    assert response.status_code == 200 and "500" in response.get_data(as_text=True)
    assert _problem_count(runtime) == 3


def test_created_at_has_the_same_format_on_post_and_get(client, sme_token) -> None:
    posted = client.post("/api/v1/problems", json={"title": "Weld porosity", "text": TEXT}, headers=sme_token)
    assert posted.status_code == 201
    fetched = client.get(posted.headers["Location"], headers=sme_token).get_json()
    listed = [p for p in client.get("/api/v1/problems?mine=1", headers=sme_token).get_json()["results"]
              if p["id"] == fetched["id"]]
    assert posted.get_json()["created_at"] == fetched["created_at"] == listed[0]["created_at"]
    assert fetched["created_at"].endswith("+00:00")


def test_a_request_body_over_the_limit_is_a_413(app, client, sme_token) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = json.dumps({"title": "Weld porosity", "text": "x" * limit})
    response = client.post("/api/v1/problems", data=body, headers={**sme_token, "Content-Type": "application/json"})
    _problem_json(response, 413)


def test_page_limits_are_in_the_openapi_document(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    limits = {path: next(p["schema"].get("maximum") for p in op["get"]["parameters"] if p["name"] == "page")
              for path, op in paths.items() if path in ("/search", "/problems")}
    assert limits == {"/search": 1000, "/problems": 10_000}
    assert client.get("/api/v1/problems?page=10001").status_code == 400
    assert client.get("/api/v1/problems?page=10000").status_code == 200


def test_an_introduction_to_an_entity_named_with_crlf_sends_one_clean_mail(app, client, runtime, world) -> None:
    from matcher.models import Researcher

    with runtime.db.session() as session:
        session.get(Researcher, world.researcher_id).name = "Ada\r\nBcc: victim@evil.example\r\nWelder"
    login(client, "sme@firm.example.com")
    response = client.post("/introductions", data={"entity_id": world.researcher_id,
                                                   "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    outbox = app.extensions["mail"].outbox
    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == "coord@institute.example.org" and message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert "Bcc:" not in message.as_string().split("\n\n", 1)[0].replace(message["Subject"], "")
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(IntroductionRequest)) == 1
