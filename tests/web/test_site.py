"""The public site: search with evidence and filters, profiles, problems with visibility, introductions."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from matcher.models import IntroductionRequest, Match, Problem
from tests import factories
from tests.factories import site as site_factories
from tests.factories import csrf_token, login
from web.public.highlight import highlight


def test_highlight_escapes_text_and_marks_spans() -> None:
    html = str(highlight("a <b>laser</b> & welding", [(5, 10), (17, 22), (20, 99), (-3, 0)]))
    assert html == "a &lt;b&gt;<mark>laser</mark>&lt;/b&gt; &amp; <mark>welding</mark>"


def test_highlight_keeps_control_characters_of_the_text_as_text() -> None:
    """The marks are placed through two placeholder characters; a text holding them keeps them, unmarked."""
    assert str(highlight("a\x00<b>\x01c", [(2, 5)])) == "a\x00<mark>&lt;b&gt;</mark>\x01c"
    assert str(highlight("x\x01y & z", [(0, 1), (6, 7)])) == "<mark>x</mark>\x01y &amp; <mark>z</mark>"
    assert str(highlight("plain & <i>", [])) == "plain &amp; &lt;i&gt;"


def test_home_shows_a_search_box_and_public_example_problems(client, world) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'name="q"' in html
    assert "Porous laser welds (public)" in html
    assert "(private)" not in html and "(anonymous)" not in html


def test_search_groups_results_and_shows_evidence_with_marks(client, world) -> None:
    response = client.get("/search?q=porosity+laser+welding+aluminium")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="group-partners"' in html and "Ada Welder" in html
    assert re.search(r"<mark>[^<]+</mark>", html), "matched terms are not highlighted"
    assert re.search(r'class="band band-(strong|good|weak)"[^>]*>(Strong|Good|Weak) match<', html)
    assert 'class="score"' not in html  # a raw fused score means nothing to a reader
    assert factories.RESEARCHER_EMAIL not in html


def test_search_says_when_the_text_names_a_partner(client, world) -> None:
    html = client.get("/search?q=laser+welding+aluminium+with+Ada+Welder").get_data(as_text=True)
    assert "Your text names Ada Welder." in html
    plain = client.get("/search?q=porosity+laser+welding+aluminium").get_data(as_text=True)
    assert "Your text names" not in plain


def test_search_overview_shows_every_group_at_once(client, world) -> None:
    html = client.get("/search?q=laser+welding+aluminium+battery").get_data(as_text=True)
    for group in ("partners", "equipment", "projects"):
        assert f'id="group-{group}"' in html, f"{group} missing from the overview"
    # Ada's lab and Ada both fit: the partners group links on to all of them only when there are more.
    assert html.index('id="group-partners"') < html.index('id="group-equipment"')


def test_search_group_filter_pages_through_one_group(client, world) -> None:
    html = client.get("/search?q=laser+welding+aluminium&kind=partners").get_data(as_text=True)
    kinds = set(re.findall(r'data-kind="(\w+)"', html))
    assert kinds and kinds <= {"researcher", "lab"}


def test_search_filters_by_kind(client, world) -> None:
    html = client.get("/search?q=laser+welding+aluminium&kind=equipment").get_data(as_text=True)
    kinds = set(re.findall(r'data-kind="(\w+)"', html))
    assert kinds == {"equipment"}


def test_search_with_no_match_says_so(client, world) -> None:
    html = client.get("/search?q=zzzqqq+xxyyzz").get_data(as_text=True)
    assert 'id="no-results"' in html and 'id="no-confident-match"' in html
    assert 'id="result-count"' not in html
    filtered = client.get("/search?q=laser+welding&region=Nowhere").get_data(as_text=True)
    assert 'id="no-results"' in filtered and 'id="no-confident-match"' not in filtered  # the filter, not the words


def test_search_escapes_the_query(client, world) -> None:
    html = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)" not in html


def test_profiles_render_without_private_contact_data(client, world) -> None:
    for entity_id in (world.researcher_id, world.lab_id, world.equipment_id, world.project_id,
                      world.organization_id):
        response = client.get(f"/entities/{entity_id}")
        assert response.status_code == 200, entity_id
        assert factories.RESEARCHER_EMAIL not in response.get_data(as_text=True)
    assert client.get("/entities/researcher:nobody").status_code == 404


def test_about_lists_sources_and_licences(client) -> None:
    html = client.get("/about").get_data(as_text=True)
    assert "OpenAlex" in html and "CC0" in html


def _post_problem(client: Any, visibility: str, title: str = "Porosity in laser welded aluminium") -> Any:
    token = csrf_token(client, "/problems/new")
    return client.post("/problems/new", data={
        "title": title, "text": "Our aluminium battery housings show porosity after laser welding.",
        "region": "South", "trl": "4", "visibility": visibility, "csrf_token": token})


def test_posting_a_problem_stores_suggested_matches(client, runtime, world) -> None:
    login(client, "sme@firm.example.com")
    response = _post_problem(client, "anonymous")
    assert response.status_code == 302
    problem_id = response.headers["Location"].rsplit("/", 1)[1]
    with runtime.db.session() as s:
        problem = s.get(Problem, problem_id)
        assert problem is not None and problem.visibility == "anonymous" and problem.trl == 4
        matches = list(s.scalars(select(Match).where(Match.problem_id == problem_id)))
    assert matches and all(m.stage == "suggested" for m in matches)
    assert any(m.entity_id == world.researcher_id for m in matches)
    assert all(m.components for m in matches)
    ada = next(m for m in matches if m.entity_id == world.researcher_id)
    assert ada.evidence and ada.evidence[0]["text"] and ada.capabilities is not None
    page = client.get(f"/problems/{problem_id}").get_data(as_text=True)
    assert "Request an introduction" in page and "Ada Welder" in page
    assert problem_id in client.get("/problems").get_data(as_text=True)


def test_a_korean_region_is_shown_by_its_name_not_its_code(client, runtime, world) -> None:
    """A firm types 경기; the problem stores KR-41 and every page names the province in the reader's language."""
    login(client, "sme@firm.example.com")
    token = csrf_token(client, "/problems/new")
    response = client.post("/problems/new", data={
        "title": "사출 성형 부품의 휨", "text": "얇은 폴리프로필렌 사출 성형 부품이 냉각 후 휘어집니다.",
        "region": "경기", "visibility": "public", "csrf_token": token})
    problem_id = response.headers["Location"].rsplit("/", 1)[1]
    with runtime.db.session() as s:
        assert s.get(Problem, problem_id).region == "KR-41"
    for path in (f"/problems/{problem_id}", "/"):
        korean = client.get(path, headers={"Accept-Language": "ko"}).get_data(as_text=True)
        english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "경기도" in korean and "Gyeonggi" in english, path
        assert "KR-41" not in korean and "KR-41" not in english, path


def test_problem_validation_rejects_bad_trl(client, runtime, world) -> None:
    login(client, "sme@firm.example.com")
    token = csrf_token(client, "/problems/new")
    response = client.post("/problems/new", data={"title": "x", "text": "long enough description here",
                                                  "trl": "12", "visibility": "public", "csrf_token": token})
    assert response.status_code == 200
    with runtime.db.session() as s:
        assert s.scalar(select(Problem).where(Problem.title == "x")) is None


def test_anonymous_problem_hides_the_firm_public_shows_it(client, world) -> None:
    anonymous = client.get(f"/problems/{world.problems['anonymous']}").get_data(as_text=True)
    assert "Acme Castings" not in anonymous and "Anonymous firm" in anonymous
    public = client.get(f"/problems/{world.problems['public']}").get_data(as_text=True)
    assert "Acme Castings" in public
    # visitors never see the suggested matches
    assert "Suggested partners" not in public


def test_request_introduction_notifies_coordinators_without_researcher_email(app, client, runtime, world) -> None:
    login(client, "sme@firm.example.com")
    token = csrf_token(client, "/")
    problem_id = world.problems["anonymous"]
    data = {"entity_id": world.researcher_id, "problem_id": problem_id, "csrf_token": token}
    response = client.post("/introductions", data=data)
    assert response.status_code == 302
    client.post("/introductions", data=data)  # a second click does not duplicate the request
    with runtime.db.session() as s:
        rows = list(s.scalars(select(IntroductionRequest)))
    assert [(r.entity_id, r.problem_id, r.status) for r in rows] == [(world.researcher_id, problem_id, "open")]
    outbox = app.extensions["mail"].outbox
    assert [m["To"] for m in outbox] == ["coord@institute.example.org"]
    body = outbox[0].get_content()
    assert "Ada Welder" in body and factories.RESEARCHER_EMAIL not in body
    followup = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "requested" in followup and factories.RESEARCHER_EMAIL not in followup


def test_introduction_for_someone_elses_problem_is_refused(client, world) -> None:
    login(client, "other@firm.example.com")
    token = csrf_token(client, "/")
    response = client.post("/introductions", data={"entity_id": world.researcher_id,
                                                   "problem_id": world.problems["public"], "csrf_token": token})
    assert response.status_code == 403
    hidden = client.post("/introductions", data={"entity_id": world.researcher_id,
                                                 "problem_id": world.problems["private"], "csrf_token": token})
    assert hidden.status_code == 404


def test_result_cache_reuses_within_ttl_and_expires() -> None:
    from web.public.result_cache import ResultCache

    calls: list[int] = []
    cache = ResultCache(max_entries=2, ttl=60)
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert cache.get_or_compute("a", compute) == 1
    assert cache.get_or_compute("a", compute) == 1  # reused
    cache.get_or_compute("b", compute)
    cache.get_or_compute("c", compute)  # evicts "a", the least recently used
    assert cache.get_or_compute("a", compute) == 4
    off = ResultCache(ttl=0)
    off.get_or_compute("x", compute)
    off.get_or_compute("x", compute)
    assert len(calls) == 6


def test_imported_urls_are_linked_only_when_http(client, runtime, world) -> None:
    from sqlalchemy import update

    from matcher.models import Equipment

    with runtime.db.session() as session:
        session.execute(update(Equipment).where(Equipment.id == world.equipment_id)
                        .values(url="javascript:alert(1)"))
    html = client.get(f"/entities/{world.equipment_id}").get_data(as_text=True)
    assert "javascript:" not in html
    with runtime.db.session() as session:
        session.execute(update(Equipment).where(Equipment.id == world.equipment_id)
                        .values(url="https://facility.example.org/laser-cell"))
    assert 'href="https://facility.example.org/laser-cell"' in client.get(f"/entities/{world.equipment_id}").get_data(as_text=True)


def test_search_page_suggests_a_team_with_reasons(client, runtime, world) -> None:
    q = "porosity+in+laser+welded+aluminium+battery+trays+of+composites"
    assert 'id="team"' not in client.get(f"/search?q={q}").get_data(as_text=True)  # one partner covers as much
    site_factories.add_team_capabilities(runtime, world)
    html = client.get(f"/search?q={q}&region=").get_data(as_text=True)  # another URL: not the cached page
    team = html[html.index('id="team"'):html.index("</section>", html.index('id="team"'))]
    roles = re.findall(r'data-role="(\w+)"', team)
    assert {"partner", "project"} <= set(roles) and roles == sorted(roles, key=["partner", "equipment", "project"].index)
    assert "LIGHTJOIN" in team and re.search(r"brings [^<]*Composites", team)
    assert re.search(r"Ada Welder|Joining Technologies Lab", team)
    assert "No single research partner, piece of equipment or institute project" in team
    assert 'id="team"' not in client.get(f"/search?q={q}&kind=partners").get_data(as_text=True)  # overview only
    korean = client.get(f"/search?q={q}&region=", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    korean_team = korean[korean.index('id="team"'):korean.index("</section>", korean.index('id="team"'))]
    assert "복합재료" in korean_team and "Composites" not in korean_team  # reasons name capabilities in Korean


def test_evidence_that_is_the_documents_title_does_not_repeat_it(app) -> None:
    from flask import render_template_string

    from matcher.types import Evidence, Match

    title = "Liquid Composite Molding"
    by_title = Evidence(text=title, source=f"award: {title} (2009)", document_kind="award", document_title=title,
                        year=2009)
    by_sentence = Evidence(text="We mould liquid composites.", source=f"award: {title} (2009)",
                           document_kind="award", document_title=title, year=2009)
    stored = Evidence(text=title, source=f"award: {title} (2009)")  # a match stored before the kind was kept
    match = Match(entity_id="researcher:x", entity_kind="researcher", name="X", score=1.0, components={},
                  evidence=(by_title, by_sentence, stored))
    with app.test_request_context("/search"):
        html = render_template_string("{% with m = m %}{% include 'public/_match.html' %}{% endwith %}", m=match)
    sources = re.findall(r'<span class="muted source">— ([^<]*)</span>', html)
    assert sources == ["award (2009)", f"award: {title} (2009)", f"award: {title} (2009)"], sources


def test_post_a_problem_is_offered_only_to_who_may_post(client, runtime, world) -> None:
    """A researcher's account may not post a problem: its home and empty results pages must not send it to
    /problems/new, which answers 403 (a dead end found by crawling the demo as each role). A visitor and an
    SME are offered it."""
    nothing = "/search?q=xyzzyqwv+plumbus"
    for page in ("/", nothing):
        assert 'href="/problems/new"' in client.get(page).get_data(as_text=True), page
    researcher = factories.add_user(runtime, "reader@uni.example.edu", "researcher")
    factories.login_as(client, researcher)
    assert client.get("/problems/new").status_code == 403
    for page in ("/", nothing):
        html = client.get(page).get_data(as_text=True)
        assert client.get(page).status_code == 200 and "/problems/new" not in html, page
    factories.login_as(client, factories.add_user(runtime, "buyer@firm.example.com", "sme"))
    assert 'href="/problems/new"' in client.get(nothing).get_data(as_text=True)
    assert client.get("/problems/new").status_code == 200
