"""A coordinator curates in headless Chromium: approve, reject with a reason, introduce (mail reaches a real
SMTP server on loopback), and the control tower's funnel moves."""
from __future__ import annotations

from typing import Any

import pytest

from tests.factories import PASSWORD
from tests.factories.admin import build_world
from tests.mail.smtpd import Inbox

pytestmark = [pytest.mark.browser, pytest.mark.slow]



def _funnel(page: Any, live_server: str) -> dict[str, str]:
    page.goto(f"{live_server}/admin/control-tower")
    rows = page.locator("#table-funnel tbody tr")
    counts = {}
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        counts[cells.nth(0).inner_text().strip()] = cells.nth(1).inner_text().strip()
    assert page.locator("#table-funnel svg").count() == 1
    return counts


def test_coordinator_curates_and_introduces(live_server: str, page: Any, runtime: Any,
                                            inbox: Inbox) -> None:
    world = build_world(runtime)
    first, second, _ = world.match_ids

    page.goto(f"{live_server}/auth/login")
    page.fill("input[name=email]", "coord@innobridge.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_load_state()
    assert "/auth/login" not in page.url

    before = _funnel(page, live_server)
    assert (before["Suggested"], before["Approved"], before["Introduced"]) == ("4", "0", "0")

    page.goto(f"{live_server}/admin/")
    page.click(f"section.problem[data-problem-id='{world.problem_id}'] a.button:has-text('Curate')")
    card = page.locator(f"#match-{first}")
    card.locator("button:has-text('Approve')").click()
    page.wait_for_selector(f"#match-{first} .stage-badge[data-stage=approved]")

    other = page.locator(f"#match-{second}")
    other.locator("input[name=reason]").fill("works on welding, not on coatings")
    other.locator("button:has-text('Reject')").click()
    page.wait_for_selector(f"#match-{second} .stage-badge[data-stage=rejected]")
    assert "works on welding, not on coatings" in page.locator(f"#match-{second}").inner_text()

    page.locator(f"#match-{first} button:has-text('Send introduction')").click()
    page.wait_for_selector(f"#match-{first} .stage-badge[data-stage=introduced]")
    assert "Introduction sent" in page.locator(".flash").first.inner_text()
    assert sorted(r[0] for r in inbox.recipients) == ["ada@uni.example", "owner@acme.example"]
    assert all(m["Subject"] == "InnoBridge introduction: Gear wear at high load" for m in inbox.messages)

    after = _funnel(page, live_server)
    assert (after["Suggested"], after["Approved"], after["Introduced"], after["Meeting"]) == ("4", "1", "1", "0")
    assert page.locator("#kpi-median").inner_text().strip() != "-"
