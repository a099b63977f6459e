"""The whole brokerage loop in headless Chromium, with real accounts and the real SMTP sink on loopback.

A firm registers, posts an anonymous problem and requests an introduction with a confidentiality note;
newer problems then arrive; a researcher says "I can help" on another firm's problem; the coordinator
finds the request flagged on the queue's first page, cannot introduce before consent, the firm consents
from its own "My requests" page, the coordinator introduces, both emails arrive once, and the firm's
page and the control tower show the new stage.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from matcher.models import Problem
from tests import factories
from tests.factories import password_hash
from tests.mail.smtpd import Inbox

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRM = "buyer@precision.example.com"
BOB_LOGIN = "bob-login@uni.example.edu"
COORDINATOR = "coord@institute.example.org"
PROBLEM_TITLE = "Porous laser welds in battery housings"



@pytest.fixture
def seeded(runtime: Any) -> factories.World:
    world = factories.seed_entities(runtime)
    ph = password_hash()
    world.users["coordinator"] = factories.add_user(runtime, COORDINATOR, "coordinator", password_hash=ph)
    world.users["bob"] = factories.add_user(runtime, BOB_LOGIN, "researcher", password_hash=ph,
                                       researcher_id=world.other_researcher_id)
    world.users["other_firm"] = factories.add_user(runtime, "owner@coatings.example.com", "sme", password_hash=ph)
    world.problems["coating"] = factories.add_problem(runtime, world.users["other_firm"], "public",
                                                 title="Corrosion of offshore steel")
    factories.rebuild(runtime)
    return world


def _login(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_load_state()
    assert "/auth/login" not in page.url


def _newer_problems(runtime: Any, owner: int, count: int) -> None:
    """Problems posted after the firm's, as a busy network would have: the queue's page 1 holds 25."""
    now = datetime.now(timezone.utc)
    with runtime.db.session() as s:
        for i in range(count):
            s.add(Problem(id=f"problem:later-{i}", title=f"Later problem {i}", text="Another firm's problem text.",
                          visibility="public", owner_user_id=owner, status="new",
                          created_at=now + timedelta(minutes=i + 1)))


def _introductions(inbox: Inbox) -> list[tuple[str, Any]]:
    return [(rcpt[0], m) for rcpt, m in zip(inbox.recipients, inbox.messages)
            if m["Subject"].startswith("InnoBridge introduction:")]


def test_the_whole_loop(live_server: str, page: Any, browser: Any, runtime: Any, seeded: factories.World,
                        inbox: Inbox) -> None:
    # 1. the firm registers, posts an anonymous problem and asks for an introduction with an NDA note
    page.goto(f"{live_server}/auth/register")
    page.fill("#email", FIRM)
    page.fill("#display_name", "Precision Housings")
    page.fill("#password", "a long password")
    page.fill("#confirm", "a long password")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server}/auth/login")  # registration finishes by the mailed link
    (mail,) = [m for m in inbox.messages if m["To"] == FIRM]
    path = next(w for w in mail.get_content().split() if "/auth/register/" in w)
    page.goto(live_server + path[path.index("/auth/register/"):])
    page.fill("#password", "a long password")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server}/problems")
    page.goto(f"{live_server}/problems/new")
    page.fill("#title", PROBLEM_TITLE)
    page.fill("#text", "Our aluminium battery housings show porosity after laser welding.")
    page.select_option("#visibility", "anonymous")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#matches")
    with runtime.db.session() as s:
        problem_id = s.scalar(select(Problem.id).where(Problem.title == PROBLEM_TITLE))
    card = page.locator("article.result", has_text="Ada Welder")
    card.locator("input[name=nda]").check()
    card.locator("textarea[name=message]").fill("Drawings only under NDA, please.")
    card.get_by_role("button", name="Request an introduction").click()
    page.wait_for_selector(".flash-success")
    assert "NDA requested" in page.locator("article.result", has_text="Ada Welder").inner_text()
    _newer_problems(runtime, seeded.users["other_firm"], 30)

    # 2. a researcher says "I can help" on another firm's problem
    researcher = browser.new_context(viewport={"width": 1280, "height": 900})
    rpage = researcher.new_page()
    _login(rpage, live_server, BOB_LOGIN)
    rpage.goto(f"{live_server}/problems/{seeded.problems['coating']}")
    rpage.fill("#help textarea[name=message]", "We coat offshore steel with thermal spray.")
    rpage.click("#help button:has-text('I can help')")
    rpage.wait_for_selector(".offer-state")
    rpage.goto(f"{live_server}/requests")
    assert "thermal spray" in rpage.locator("table.requests").inner_text()

    # 3. the coordinator finds both flagged on the queue's first page, the firm's request on top
    coordinator = browser.new_context(viewport={"width": 1280, "height": 900})
    cpage = coordinator.new_page()
    _login(cpage, live_server, COORDINATOR)
    cpage.goto(f"{live_server}/admin/")
    first = cpage.locator("section.problem").first
    assert first.get_attribute("data-problem-id") == problem_id
    assert "1 introduction request" in first.locator(".flags").inner_text()
    coating = cpage.locator(f"section.problem[data-problem-id='{seeded.problems['coating']}']")
    assert "1 offer of help" in coating.locator(".flags").inner_text()
    first.locator("a.button:has-text('Curate')").click()
    ada = cpage.locator("article.match", has_text="Ada Welder")
    assert "Requested by the firm" in ada.inner_text() and "NDA requested" in ada.inner_text()
    assert "Drawings only under NDA" in ada.inner_text()
    ada.locator("button:has-text('Approve')").click()
    cpage.wait_for_selector("article.match .stage-badge[data-stage=approved]")
    cpage.locator("article.match", has_text="Ada Welder").locator("button:has-text('Send introduction')").click()
    cpage.wait_for_selector(".flash-error")
    assert "consent" in cpage.locator(".flash-error").inner_text()
    assert _introductions(inbox) == []

    # 4. the firm consents from its own "My requests" page
    page.goto(f"{live_server}/requests")
    row = page.locator("table.requests tbody tr", has_text="Ada Welder")
    assert "Give your consent" in row.inner_text()
    row.locator("button:has-text('Consent to be named')").click()
    page.wait_for_selector(".flash-success")
    assert "Withdraw consent" in page.locator("table.requests tbody tr", has_text="Ada Welder").inner_text()

    # 5. the coordinator introduces; each side gets its email once
    cpage.reload()
    cpage.locator("article.match", has_text="Ada Welder").locator("button:has-text('Send introduction')").click()
    cpage.wait_for_selector("article.match .stage-badge[data-stage=introduced]")
    sent = _introductions(inbox)
    assert sorted(to for to, _ in sent) == sorted([FIRM, factories.RESEARCHER_EMAIL])
    assert all("confidentiality agreement (NDA)" in m.get_content() for _, m in sent)
    notices = [m["Subject"] for rcpt, m in zip(inbox.recipients, inbox.messages) if rcpt == [COORDINATOR]]
    assert sorted(notices) == sorted([f"Introduction request: {PROBLEM_TITLE}",
                                      "Offer of help: Corrosion of offshore steel (public)"])

    # 6. the firm's page and the control tower show the new stage
    page.goto(f"{live_server}/requests")
    row = page.locator("table.requests tbody tr", has_text="Ada Welder")
    assert row.locator(".stage-badge").inner_text().strip() == "Introduced"
    assert "Meet the partner" in row.inner_text()
    cpage.goto(f"{live_server}/admin/control-tower")
    stages = cpage.locator("#table-request_stages tbody").inner_text()
    assert "Introduced\t1" in stages
    assert cpage.locator("#kpi-in-time").inner_text().strip() == "100%"
    hidden = cpage.locator(".table-wrap").evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth + 1)"
                                                      ".length")
    assert hidden == 0, "a control tower table hides columns at 1280 px"
    researcher.close()
    coordinator.close()
