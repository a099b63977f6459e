"""The brokerage loop on the site: requests with consent and NDA, "My requests", "I can help", the queue."""
from __future__ import annotations

import re

from sqlalchemy import select

from matcher.models import IntroductionRequest, Match, MatchEvent, Problem, Researcher
from matcher.services import curation
from tests.factories import csrf_token, login


def _request(client, entity_id: str, problem_id: str, **extra: str):
    token = csrf_token(client, f"/problems/{problem_id}")
    return client.post("/introductions", data={"entity_id": entity_id, "problem_id": problem_id,
                                                "csrf_token": token, **extra})


def _row(html: str, request_id: int) -> str:
    found = re.search(rf'<tr id="request-{request_id}".*?</tr>', html, re.S)
    assert found, f"request {request_id} not on the page"
    return found.group(0)


def test_request_with_consent_and_nda_reaches_the_coordinator_and_my_requests(app, client, runtime, world) -> None:
    login(client, "sme@firm.example.com")
    problem_id = world.problems["anonymous"]
    response = _request(client, world.researcher_id, problem_id, message="Porosity since May", nda="y", consent="y")
    assert response.status_code == 302
    with runtime.db.session() as s:
        ask = s.scalar(select(IntroductionRequest))
        match = s.get(Match, ask.match_id)
        assert (ask.nda_requested, ask.kind, match.problem_id, match.sme_consented) == (True, "request", problem_id,
                                                                                         True)
        decisions = [e.decision for e in s.scalars(select(MatchEvent).where(MatchEvent.match_id == match.id))]
        match_id, request_id = match.id, ask.id
    assert decisions == ["request", "consent"]
    mail = app.extensions["mail"].outbox
    assert len(mail) == 1
    body = mail[0].get_content()
    assert f"http://localhost/admin/problems/{problem_id}#match-{match_id}" in body
    assert "NDA" in body and "Porosity since May" in body
    row = _row(client.get("/requests").get_data(as_text=True), request_id)
    assert "Requested" in row and "NDA requested" in row and "coordinator" in row
    assert "Withdraw consent" in row


def test_firm_consents_and_withdraws_from_its_own_pages(client, runtime, world) -> None:
    login(client, "sme@firm.example.com")
    problem_id = world.problems["anonymous"]
    _request(client, world.researcher_id, problem_id)
    with runtime.db.session() as s:
        ask = s.scalar(select(IntroductionRequest))
        match_id, request_id = ask.match_id, ask.id
    row = _row(client.get("/requests").get_data(as_text=True), request_id)
    assert "Give your consent" in row and '<td class="holder">you</td>' in row
    page = client.get(f"/problems/{problem_id}").get_data(as_text=True)
    assert "Consent to be named" in page
    token = csrf_token(client, "/requests")
    response = client.post(f"/matches/{match_id}/consent",
                           data={"consented": "1", "return_to": "requests", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/requests")
    row = _row(client.get("/requests").get_data(as_text=True), request_id)
    assert "A coordinator reviews the request" in row and "Withdraw consent" in row
    client.post(f"/matches/{match_id}/consent", data={"consented": "0", "csrf_token": token})
    with runtime.db.session() as s:
        assert s.get(Match, match_id).sme_consented is False


def test_a_firm_never_sees_another_firms_requests(client, runtime, world) -> None:
    login(client, "sme@firm.example.com")
    _request(client, world.researcher_id, world.problems["anonymous"], message="secret plans")
    with runtime.db.session() as s:
        match_id = s.scalar(select(IntroductionRequest.match_id))
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "other@firm.example.com")
    page = client.get("/requests").get_data(as_text=True)
    assert "secret plans" not in page and "Ada Welder" not in page and "not asked for an introduction" in page
    token = csrf_token(client, "/requests")
    assert client.post(f"/matches/{match_id}/consent", data={"consented": "0", "csrf_token": token}).status_code == 403


def test_public_problem_names_the_firm_even_without_an_organisation(client, runtime, world) -> None:
    with runtime.db.session() as s:
        s.add(Problem(id="problem:own-firm", title="Cracks in castings", text="Hot cracks appear in our castings.",
                      visibility="public", owner_user_id=world.users["sme2"]))
    page = client.get("/problems/problem:own-firm").get_data(as_text=True)
    assert "other" in page  # the owner's "Name or firm"
    listed = {p["id"]: p for p in client.get("/api/v1/problems").get_json()["results"]}
    assert listed["problem:own-firm"]["organization"] == "other"
    assert listed[world.problems["public"]]["organization"] == "Acme Castings Ltd"
    assert listed[world.problems["anonymous"]]["organization"] is None


def test_queue_puts_requested_problems_first_flagged_and_marks_the_partner(client, runtime, world) -> None:
    # an older problem, already curated, on which the firm then asks for an introduction
    with runtime.db.session() as s:
        s.get(Problem, world.problems["anonymous"]).status = "curated"
        s.add(Problem(id="problem:newest", title="Newest problem", text="Something brand new to look at.",
                      visibility="public", owner_user_id=world.users["sme2"]))
    login(client, "sme@firm.example.com")
    _request(client, world.other_researcher_id, world.problems["anonymous"], nda="y")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "coord@institute.example.org")
    queue = client.get("/admin/").get_data(as_text=True)
    order = re.findall(r'data-problem-id="([^"]+)"', queue)
    assert order[0] == world.problems["anonymous"] and order[1] == "problem:newest"
    first = queue.split('data-problem-id="')[1]
    assert "1 introduction request" in first and "needs-action" in queue.split('data-problem-id="')[0][-80:]
    with runtime.db.session() as s:
        match_id = s.scalar(select(IntroductionRequest.match_id))
    card = client.get(f"/admin/problems/{world.problems['anonymous']}").get_data(as_text=True)
    card = card.split(f'id="match-{match_id}"')[1].split("</article>")[0]
    assert "Requested by the firm" in card and "NDA requested" in card
    assert f'href="/entities/{world.other_researcher_id}"' in card
    timeline = client.get(f"/admin/matches/{match_id}").get_data(as_text=True)
    assert "introduction requested by the firm (NDA requested)" in timeline


def test_match_card_shows_missing_contact_with_the_place_to_fix_it(client, runtime, world) -> None:
    with runtime.db.session() as s:
        s.get(Researcher, world.researcher_id).email = None
    login(client, "coord@institute.example.org")
    page = client.get(f"/admin/problems/{world.problems['public']}").get_data(as_text=True)
    card = page.split(f'id="match-{world.match_id}"')[1].split("</article>")[0]
    assert "No contact email on file" in card
    assert f'href="/admin/data/researcher/{world.researcher_id}"' in card
    assert client.get(f"/admin/data/researcher/{world.researcher_id}").status_code == 200


def test_researcher_offers_help_and_follows_it(app, client, runtime, world) -> None:
    login(client, "r@uni.example.edu")
    problem_id = world.problems["public"]
    page = client.get(f"/problems/{problem_id}").get_data(as_text=True)
    assert "I can help" in page
    token = csrf_token(client, f"/problems/{problem_id}")
    assert client.post(f"/problems/{problem_id}/help", data={"message": "We fixed this for a supplier.",
                                                             "csrf_token": token}).status_code == 302
    client.post(f"/problems/{problem_id}/help", data={"message": "", "csrf_token": token})  # no duplicate
    with runtime.db.session() as s:
        offers = list(s.scalars(select(IntroductionRequest)))
        assert [(o.kind, o.entity_id, o.match_id) for o in offers] == [("interest", world.researcher_id,
                                                                        world.match_id)]
    mail = app.extensions["mail"].outbox
    assert len(mail) == 1 and mail[0]["Subject"].startswith("Offer of help")
    assert f"http://localhost/admin/problems/{problem_id}#match-{world.match_id}" in mail[0].get_content()
    mine = client.get("/requests").get_data(as_text=True)
    assert "My responses" in mine and "We fixed this for a supplier." in mine and "Requested" in mine
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "coord@institute.example.org")
    queue = client.get("/admin/").get_data(as_text=True)
    assert "1 offer of help" in queue
    listing = client.get("/admin/requests").get_data(as_text=True)
    assert "I can help" in listing and "r@uni.example.edu" in listing


def test_introduction_emails_carry_the_nda_request(app, client, runtime, world) -> None:
    login(client, "sme@firm.example.com")
    _request(client, world.researcher_id, world.problems["public"], nda="y")
    curation.approve(runtime, world.match_id, world.users["coordinator"])
    sent: list[tuple[str, str]] = []
    curation.introduce(runtime, world.match_id, world.users["coordinator"],
                       lambda to, subject, text: sent.append((to, text)) or "id")
    assert len(sent) == 2 and all("confidentiality agreement (NDA)" in text for _, text in sent)
    row = client.get("/requests").get_data(as_text=True)
    assert "Introduced" in row and "Meet the partner" in row


def test_a_correction_drops_cached_results_holding_the_researcher_at_once(app, client, runtime, world) -> None:
    cache = app.extensions["search_results"]
    cache.ttl = 600.0  # a cache that would otherwise keep the old ranking for ten minutes
    url = "/search?q=porosity+in+laser+welding+of+aluminium&kind=researcher"
    before = client.get(url).get_data(as_text=True)
    evidence = "publication: Porosity control in laser welding (2023)"
    assert "Ada Welder" in before and evidence in before
    coatings = client.get("/search?q=thermal+spray+coatings&kind=researcher").get_data(as_text=True)
    assert "Bob Coater" in coatings and "Ada Welder" not in coatings
    login(client, "r@uni.example.edu")  # Ada's account
    token = csrf_token(client, "/me")
    response = client.post("/me/publications", data={"document_id": "document:porosity", "excluded": "1",
                                                      "csrf_token": token})
    assert response.status_code == 302
    after = client.get(url).get_data(as_text=True)
    assert evidence not in after
    # a result without Ada stays cached; and another worker sharing the log drops Ada's entries too
    from web.public.result_cache import ResultCache

    assert [key[0] for key in cache._items] == ["page", "page"]
    other = ResultCache(ttl=600.0, log_path=cache.log_path)
    held = type("R", (), {"matches": (type("M", (), {"entity_id": world.researcher_id})(),)})()
    other.get_or_compute("q", lambda: held)
    cache.invalidate([world.researcher_id])
    assert other.get_or_compute("q", lambda: "recomputed") == "recomputed"


def test_open_problems_list_public_and_anonymous_only(client, world) -> None:
    page = client.get("/problems/open").get_data(as_text=True)
    assert f'href="/problems/{world.problems["public"]}"' in page
    assert f'href="/problems/{world.problems["anonymous"]}"' in page
    assert world.problems["private"] not in page and "(private)" not in page
    anonymous_card = page.split(f'href="/problems/{world.problems["anonymous"]}"')[1].split("</article>")[0]
    assert "Anonymous firm" in anonymous_card and "Acme" not in anonymous_card
