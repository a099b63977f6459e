"""In Chromium: the 한국어 / English switch on every page turns the site Korean and back, and it sticks."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_switch_turns_the_site_korean_and_back(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/about")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("form.lang-switch button[value='ko']").click()
    page.wait_for_url(f"{live_server}/about")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").inner_text() == "InnoBridge 소개"
    page.goto(f"{live_server}/")  # the cookie keeps the choice on the next page
    assert page.locator("label[for='q']").inner_text() == "기술 문제를 설명해 주십시오"
    page.fill("#q", "레이저 용접 기공")
    page.locator("form.search-box button[type='submit']").click()
    assert page.locator("label[for='kind']").inner_text() == "유형"
    page.locator("form.lang-switch button[value='en']").click()
    assert page.locator("label[for='kind']").inner_text() == "Kind"
