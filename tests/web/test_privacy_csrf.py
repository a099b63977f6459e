"""Private problems stay private, and forms refuse a POST without a CSRF token."""
from __future__ import annotations

from tests.factories import csrf_token, login


def test_second_sme_cannot_see_the_private_problem(client, world) -> None:
    private = world.problems["private"]
    login(client, "other@firm.example.com")
    assert client.get(f"/problems/{private}").status_code == 404
    assert private not in client.get("/problems").get_data(as_text=True)
    listed = client.get("/api/v1/problems").json
    assert private not in [p["id"] for p in listed["results"]]


def test_owner_and_coordinator_see_the_private_problem(app, world) -> None:
    for email in ("sme@firm.example.com", "coord@institute.example.org"):
        client = app.test_client()
        login(client, email)
        assert client.get(f"/problems/{world.problems['private']}").status_code == 200, email


def test_visitor_gets_404_for_a_private_problem(client, world) -> None:
    assert client.get(f"/problems/{world.problems['private']}").status_code == 404
    assert client.get(f"/api/v1/problems/{world.problems['private']}").status_code == 404


def test_post_without_csrf_token_is_refused(app, client, world) -> None:
    assert app.config["WTF_CSRF_ENABLED"]
    login(client, "sme@firm.example.com")
    refused = client.post("/problems/new", data={"title": "t", "text": "a long enough text", "visibility": "public"})
    assert refused.status_code == 400
    assert client.post("/auth/logout").status_code == 400
    assert client.post("/introductions", data={"entity_id": world.researcher_id}).status_code == 400
    # with the token the same logout works
    assert client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
