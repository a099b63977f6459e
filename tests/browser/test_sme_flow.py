"""An SME in a real browser: register, search, see evidence, filter, post an anonymous problem, ask for an intro."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from matcher.models import IntroductionRequest, Problem
from tests import factories
from tests.factories import password_hash

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def seeded(runtime: Any) -> factories.World:
    world = factories.seed_entities(runtime)
    world.users["coordinator"] = factories.add_user(runtime, "coord@institute.example.org", "coordinator",
                                               password_hash=password_hash())
    factories.rebuild(runtime)
    return world


def test_sme_searches_filters_posts_and_requests_an_introduction(live_server, page, app, runtime, seeded) -> None:
    page.goto(f"{live_server}/auth/register")
    page.fill("#email", "buyer@firm.example.com")
    page.fill("#password", "a long password")
    page.fill("#confirm", "a long password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/auth/login")
    link = next(w for w in app.extensions["mail"].outbox[-1].get_content().split() if "/auth/register/" in w)
    page.goto(live_server + link.split("localhost", 1)[1])
    page.fill("#password", "a long password")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server}/problems")

    page.goto(live_server)
    page.fill("#q", "porosity in laser welding of aluminium")
    page.click(".search-box button[type=submit]")
    page.wait_for_selector("#group-partners")
    assert page.locator("#group-partners").get_by_text("Ada Welder").count() == 1
    assert page.locator("ul.evidence mark").count() > 0
    assert factories.RESEARCHER_EMAIL not in page.content()

    page.select_option("#kind", "equipment")
    page.click(".filters button[type=submit]")
    page.wait_for_selector("#group-equipment")
    kinds = set(page.locator("article.result").evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert kinds == {"equipment"}

    page.goto(f"{live_server}/problems/new")
    page.fill("#title", "Porous laser welds in battery housings")
    page.fill("#text", "Our aluminium battery housings show porosity after laser welding.")
    page.select_option("#visibility", "anonymous")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#matches")
    with runtime.db.session() as s:
        problem = s.scalar(select(Problem).where(Problem.title == "Porous laser welds in battery housings"))
        assert problem is not None and problem.visibility == "anonymous"

    card = page.locator("article.result", has_text="Ada Welder")
    card.get_by_role("button", name="Request an introduction").click()
    page.wait_for_selector(".flash-success")
    assert "requested" in page.locator(".flash-success").inner_text()
    with runtime.db.session() as s:
        intro = s.scalar(select(IntroductionRequest))
        assert intro is not None and intro.entity_id == seeded.researcher_id
    # the registration link went to the new user, the introduction request to the coordinator
    assert [m["To"] for m in app.extensions["mail"].outbox] == ["buyer@firm.example.com", "coord@institute.example.org"]
    assert factories.RESEARCHER_EMAIL not in page.content()
