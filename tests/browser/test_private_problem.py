"""A visitor (and another firm) cannot open a private problem in the browser; its owner can."""
from __future__ import annotations

import pytest

from tests import factories
from tests.factories import password_hash

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_visitor_cannot_open_a_private_problem(live_server, page, runtime) -> None:
    owner = factories.add_user(runtime, "owner@firm.example.com", "sme", password_hash=password_hash())
    factories.add_user(runtime, "other@firm.example.com", "sme", password_hash=password_hash())
    problem_id = factories.add_problem(runtime, owner, "private", title="Secret alloy trouble")
    url = f"{live_server}/problems/{problem_id}"

    response = page.goto(url)
    assert response is not None and response.status == 404
    assert "Secret alloy trouble" not in page.content()

    def log_in(email: str) -> None:
        page.goto(f"{live_server}/auth/login")
        page.fill("#email", email)
        page.fill("#password", factories.PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_selector(".flash-success")

    log_in("other@firm.example.com")
    response = page.goto(url)
    assert response is not None and response.status == 404
    page.get_by_role("button", name="Log out").click()

    log_in("owner@firm.example.com")
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert "Secret alloy trouble" in page.content()
