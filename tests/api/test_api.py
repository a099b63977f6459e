"""The JSON API: behaviour, one error shape, and responses that match the OpenAPI document."""
from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

from matcher.services import accounts
from tests import factories
from tests.factories import site as site_factories
from web.security import hash_token

TOKENS = {"sme": "ib_test_sme", "sme2": "ib_test_sme2", "researcher": "ib_test_researcher",
          "coordinator": "ib_test_coord"}


@pytest.fixture
def tokens(runtime: Any, world: factories.World) -> dict[str, dict[str, str]]:
    for role, token in TOKENS.items():
        accounts.set_api_token_hash(runtime, world.users[role], hash_token(token))
    return {role: {"Authorization": f"Bearer {t}"} for role, t in TOKENS.items()}


def test_openapi_document_is_valid(client) -> None:
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.")


def test_search_answers_the_documented_shape(client, world) -> None:
    body = client.get("/api/v1/search?q=porosity+laser+welding+aluminium").json
    assert set(body) == {"results", "total"}
    first = body["results"][0]
    assert set(first) == {"id", "kind", "name", "band", "score", "capabilities", "evidence"}
    assert all(r["band"] in ("strong", "good", "weak") for r in body["results"])
    evidence = [e for r in body["results"] for e in r["evidence"]]
    assert evidence and all(set(e) == {"text", "source", "document_id", "document_kind", "document_title", "year"}
                            for e in evidence)
    porosity = next(e for e in evidence if e["document_id"] == "document:porosity")
    assert (porosity["document_kind"], porosity["document_title"], porosity["year"]) == (
        "publication", "Porosity control in laser welding", 2023)
    assert porosity["source"] == "publication: Porosity control in laser welding (2023)"
    assert any(r["id"] == world.researcher_id for r in body["results"])
    only_equipment = client.get("/api/v1/search?q=laser+welding&kind=equipment").json
    assert only_equipment["results"] and {r["kind"] for r in only_equipment["results"]} == {"equipment"}
    north = client.get("/api/v1/search?q=laser+welding&region=Nowhere").json
    assert north == {"results": [], "total": 0}
    paged = client.get("/api/v1/search?q=laser+welding+aluminium&limit=1&page=2").json
    assert len(paged["results"]) == 1 and paged["total"] >= 2


@pytest.mark.parametrize("url", ["/api/v1/search", "/api/v1/search?q=x&kind=wizard", "/api/v1/search?q=x&limit=0",
                                 "/api/v1/search?q=x&page=abc",
                                 # over 1000 characters as sent, though stripping the separators would leave one
                                 "/api/v1/search?q=x" + "%1E" * 1000])
def test_bad_parameters_are_problem_documents(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert set(response.json) >= {"type", "title", "status", "detail", "instance"}


def test_entity_profile_never_carries_email(client, world) -> None:
    body = client.get(f"/api/v1/entities/{world.researcher_id}").json
    assert body["id"] == world.researcher_id and body["name"] == "Ada Welder"
    assert factories.RESEARCHER_EMAIL not in str(body)
    assert client.get("/api/v1/entities/researcher:ghost").status_code == 404


def test_problems_listing_respects_visibility(client, world, tokens) -> None:
    def ids(headers: dict[str, str] | None = None) -> set[str]:
        return {p["id"] for p in client.get("/api/v1/problems", headers=headers or {}).json["results"]}

    public, anonymous, private = (world.problems[v] for v in ("public", "anonymous", "private"))
    assert ids() == {public, anonymous}
    assert ids(tokens["sme2"]) == {public, anonymous}
    assert ids(tokens["sme"]) == {public, anonymous, private}
    assert ids(tokens["coordinator"]) == {public, anonymous, private}
    anon = client.get(f"/api/v1/problems/{anonymous}").json
    assert anon["organization"] is None
    assert client.get(f"/api/v1/problems/{public}").json["organization"] == "Acme Castings Ltd"
    assert client.get(f"/api/v1/problems/{private}", headers=tokens["sme2"]).status_code == 404


def test_creating_a_problem_needs_a_poster_token(client, world, tokens) -> None:
    payload = {"title": "Cracks in cast aluminium", "text": "Hot cracking after laser welding of castings.",
               "visibility": "anonymous", "trl": 5}
    assert client.post("/api/v1/problems", json=payload).status_code == 401
    assert client.post("/api/v1/problems", json=payload, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post("/api/v1/problems", json=payload, headers=tokens["researcher"]).status_code == 403
    bad = client.post("/api/v1/problems", json={**payload, "trl": 12}, headers=tokens["sme"])
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    # Valid by the schema's ECMA \s (U+001F is no white space there): ten characters with the separators.
    edged = client.post("/api/v1/problems", json={**payload, "text": "\x1fcracks n\x1f"}, headers=tokens["sme"])
    assert edged.status_code == 201, edged.json
    created = client.post("/api/v1/problems", json=payload, headers=tokens["sme"])
    assert created.status_code == 201
    problem_id = created.json["id"]
    assert created.headers["Location"].endswith(problem_id)
    matches = client.get(f"/api/v1/problems/{problem_id}/matches", headers=tokens["sme"]).json
    assert matches["total"] == len(matches["results"]) > 0
    assert client.get(f"/api/v1/problems/{problem_id}/matches", headers=tokens["sme2"]).status_code == 403
    assert client.get(f"/api/v1/problems/{problem_id}/matches").status_code == 403


def _schema_for(document: dict[str, Any], path: str, method: str, status: int, mimetype: str) -> dict[str, Any]:
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answered an undocumented {status}"
    content = responses[str(status)]["content"]
    assert mimetype in content, f"{method.upper()} {path} {status}: undocumented media type {mimetype}"
    return {**content[mimetype]["schema"], "components": document["components"]}


def test_real_responses_of_every_documented_operation_match_their_schemas(client, runtime, world, tokens) -> None:
    site_factories.add_team_capabilities(runtime, world)  # so the team=1 call below answers a team, not null
    document = client.get("/api/v1/openapi.json").json
    public, private = world.problems["public"], world.problems["private"]
    post_body = {"title": "Weld porosity", "text": "Porosity in laser welded aluminium housings.",
                 "visibility": "private"}
    calls: list[tuple[str, str, str, dict[str, str], Any]] = [
        ("/search", "get", "/api/v1/search?q=laser+welding+porosity", {}, None),
        ("/search", "get", "/api/v1/search?q=", {}, None),
        ("/search", "get", "/api/v1/search?q=porosity+in+laser+welded+aluminium+battery+trays+of+composites&team=1",
         {}, None),
        ("/search", "get", "/api/v1/search?q=porosity&team=2", {}, None),
        ("/entities/{entity_id}", "get", f"/api/v1/entities/{world.researcher_id}", {}, None),
        ("/entities/{entity_id}", "get", f"/api/v1/entities/{world.equipment_id}", {}, None),
        ("/entities/{entity_id}", "get", "/api/v1/entities/lab:none", {}, None),
        ("/problems", "get", "/api/v1/problems", tokens["sme"], None),
        ("/problems", "get", "/api/v1/problems?limit=0", {}, None),
        ("/problems", "get", "/api/v1/problems", {"Authorization": "Bearer bad"}, None),
        ("/problems", "post", "/api/v1/problems", tokens["sme"], post_body),
        ("/problems", "post", "/api/v1/problems", {}, post_body),
        ("/problems", "post", "/api/v1/problems", tokens["researcher"], post_body),
        ("/problems", "post", "/api/v1/problems", tokens["sme"], {"title": "x"}),
        ("/problems", "post", "/api/v1/problems", tokens["sme"], ["not", "an", "object"]),
        ("/problems/{problem_id}", "get", f"/api/v1/problems/{public}", {}, None),
        ("/problems/{problem_id}", "get", f"/api/v1/problems/{private}", {}, None),
        ("/problems/{problem_id}/matches", "get", f"/api/v1/problems/{public}/matches", tokens["sme"], None),
        ("/problems/{problem_id}/matches", "get", f"/api/v1/problems/{public}/matches", tokens["sme2"], None),
        ("/problems/{problem_id}/matches", "get", f"/api/v1/problems/{private}/matches", {}, None),
        ("/requests", "get", "/api/v1/requests", tokens["sme"], None),
        ("/requests", "get", "/api/v1/requests", {}, None),
        ("/openapi.json", "get", "/api/v1/openapi.json", {}, None),
    ]
    documented = {(p, m) for p, ops in document["paths"].items() for m in ops}
    assert {(p, m) for p, m, *_ in calls} == documented, "every documented operation is exercised"
    for path, method, url, headers, body in calls:
        if method == "get":
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, json=body, headers=headers)
        schema = _schema_for(document, path, method, response.status_code, response.mimetype)
        try:
            jsonschema.Draft202012Validator(schema).validate(response.json)
        except jsonschema.ValidationError as exc:
            pytest.fail(f"{method.upper()} {url} -> {response.status_code}: {exc.message}")


def test_requests_api_shows_only_the_callers_own_requests(client, runtime, world, tokens) -> None:
    from matcher.services import requests as loop_requests
    from matcher.services.problems import Viewer

    loop_requests.request_introduction(runtime, Viewer(world.users["sme"], "sme"), world.researcher_id,
                                       problem_id=world.problems["anonymous"], nda_requested=True, consent=True)
    own = client.get("/api/v1/requests", headers=tokens["sme"]).json
    assert [(r["entity_id"], r["problem_id"], r["nda_requested"], r["consented"]) for r in own["results"]] == [
        (world.researcher_id, world.problems["anonymous"], True, True)]
    assert own["results"][0]["holder"] == "coordinator"
    other = client.get("/api/v1/requests", headers=tokens["sme2"]).json
    assert other == {"results": [], "total": 0}
    assert client.get("/api/v1/requests").status_code == 401


def test_search_suggests_a_team_covering_what_no_single_hit_does(client, runtime, world) -> None:
    q = "porosity in laser welded aluminium battery trays of composites"
    assert client.get("/api/v1/search", query_string={"q": q, "team": "1"}).json["team"] is None  # no one adds
    site_factories.add_team_capabilities(runtime, world)
    body = client.get("/api/v1/search", query_string={"q": q, "team": "1"}).json
    team = body["team"]
    assert team is not None
    assert len(team["covered"]) > team["best_single"]
    members = {m["role"]: m for m in team["members"]}
    assert members["partner"]["id"] in (world.researcher_id, world.lab_id)  # equal scores and capabilities
    assert members["project"]["id"] == world.project_id
    assert {"id": "core:composites", "label": "Composites"} in members["project"]["adds"]
    assert all(m["reason"] in ("covers", "relevant") for m in team["members"])
    assert "team" not in client.get("/api/v1/search", query_string={"q": q}).json
    one = client.get("/api/v1/search", query_string={"q": "porosity", "team": "1"}).json
    assert one["team"] is None  # one capability: nothing to combine
    assert client.get("/api/v1/search", query_string={"q": q, "team": "yes"}).status_code == 400

