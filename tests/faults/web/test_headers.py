"""Probe finding 8: no CSP, X-Frame-Options, nosniff or Referrer-Policy, and a cookie named `session`."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.factories import login

TEMPLATES = Path(__file__).resolve().parents[3] / "web" / "templates"
EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _assert_headers(response: Any, url: str) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, f"{url}: {name}={response.headers.get(name)!r}"
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("frame-ancestors") == ["'none'"], f"{url}: CSP {csp!r}"
    assert directives.get("default-src") == ["'self'"], f"{url}: CSP {csp!r}"
    for directive in ("script-src", "style-src"):
        assert directives.get(directive) == ["'self'"], f"{url}: {directive} must be 'self' only: {csp!r}"
    assert directives.get("object-src") == ["'none'"]


@pytest.mark.parametrize("url", ["/", "/auth/login", "/healthz", "/api/v1/openapi.json", "/api/v1/problems",
                                 "/no-such-page", "/api/v1/problems/nope", "/static/style.css",
                                 "/search?q=laser+welding"])
def test_every_response_carries_the_security_headers(client, world, url: str) -> None:
    response = client.get(url)
    try:
        _assert_headers(response, url)
    finally:
        response.close()  # a static file is streamed from an open file


@pytest.mark.parametrize("url", ["/admin/", "/admin/control-tower", "/admin/jobs", "/me/delete"])
def test_staff_and_account_pages_cannot_be_framed(client, world, url: str) -> None:
    login(client, "admin@institute.example.org" if url.startswith("/admin") else "r@uni.example.edu")
    response = client.get(url)
    assert response.status_code == 200, url
    _assert_headers(response, url)


def test_the_session_cookie_has_a_name_of_our_own(app, client, world) -> None:
    response = login(client, "sme@firm.example.com")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("innobridge_session=") for c in cookies), cookies
    assert not any(c.startswith("session=") for c in cookies), cookies
    assert app.config["SESSION_COOKIE_NAME"] == "innobridge_session"


def test_site_templates_have_no_inline_script_or_style() -> None:
    """The CSP allows no inline code: a template that adds some would break silently in browsers."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.relative_to(TEMPLATES).parts[0] == "mail":  # emails are not served under our CSP
            continue
        text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"),
                      flags=re.DOTALL)  # Jinja comments are not sent
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+=", r"javascript:"):
            for found in re.finditer(pattern, text, flags=re.IGNORECASE):
                line = text.count("\n", 0, found.start()) + 1
                offenders.append(f"{path.relative_to(TEMPLATES)}:{line}: {found.group(0).strip()}")
    assert offenders == []
