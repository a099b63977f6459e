"""The browser fixtures themselves work: Chromium loads a page the app serves."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_chromium_reaches_the_health_endpoint(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(f"{live_server}/healthz")
    assert response is not None
    assert response.status in (200, 503)
    assert "database" in page.content()
