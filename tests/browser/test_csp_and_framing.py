"""The tight CSP keeps the pages working in a real browser, and a foreign page cannot frame ours.

Part of the fault suite of issue 17 (tests/faults/web/test_headers.py checks the headers themselves); it
lives here to share the one Chromium this package's fixtures start per session.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests import factories


pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _log_in(page: Any, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_load_state()
    assert "/auth/login" not in page.url


def test_pages_load_their_styles_and_scripts_without_csp_violations(live_server: str, page: Any, world) -> None:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    _log_in(page, live_server, "admin@institute.example.org")
    for path in ("/", "/search?q=laser+welding+porosity", f"/entities/{world.researcher_id}",
                 "/admin/", "/admin/control-tower", "/admin/jobs", "/admin/audit"):
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, path
        # style.css applied: the header is laid out by the stylesheet, not the browser default (block).
        assert page.eval_on_selector("header.site-header", "e => getComputedStyle(e).display") == "flex", path
    assert violations == []


@pytest.fixture
def attacker_site(live_server: str) -> Iterator[str]:
    """Another origin (its own port) serving a page that frames our account deletion page."""
    html = f'<!doctype html><iframe src="{live_server}/me/delete" width="600" height="400"></iframe>'.encode()

    def attacker(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        return [html]

    server = make_server("127.0.0.1", 0, attacker, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_a_foreign_page_cannot_frame_ours(live_server: str, attacker_site: str, page: Any, world) -> None:
    page.goto(attacker_site)
    frames = [f for f in page.frames if f != page.main_frame]
    assert len(frames) == 1
    # Chromium replaces a refused frame by its error page: none of our markup is rendered. Without the
    # headers the frame shows our login page.
    assert "InnoBridge" not in frames[0].content()
