"""One-click unsubscribe (RFC 8058) from the link in a real message: no login, no CSRF token, signed."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from matcher.models import Researcher
from tests.factories.digests import seed_world
from tests.mail.smtpd import SmtpServer


def _frequency(runtime: Any, rid: str) -> str | None:
    with runtime.db.session() as s:
        return s.scalar(select(Researcher.digest_frequency).where(Researcher.id == rid))


def _unsubscribe_path(smtp_server: SmtpServer, to: str) -> str:
    message = next(r.message for r in smtp_server.received if r.rcpt_tos == [to])
    return urlsplit(message["List-Unsubscribe"].strip("<>")).path


def test_one_click_post_from_the_mail_header_unsubscribes(client: Any, runner: Any, runtime: Any,
                                                          smtp_server: SmtpServer) -> None:
    w = seed_world(runtime)
    assert runner.invoke(args=["digests", "send"]).exit_code == 0
    path = _unsubscribe_path(smtp_server, "ada.lovelace@example.org")
    # What a mail client sends for List-Unsubscribe-Post: no cookie, no CSRF token (CSRF is on in this app).
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.data
    assert _frequency(runtime, w.ada) == "off"
    assert _frequency(runtime, w.grace) == "weekly"
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # idempotent


def test_get_shows_a_confirmation_page_and_changes_nothing(client: Any, runner: Any, runtime: Any,
                                                           smtp_server: SmtpServer) -> None:
    w = seed_world(runtime)
    runner.invoke(args=["digests", "send"])
    path = _unsubscribe_path(smtp_server, "grace.hopper@example.org")
    page = client.get(path)
    assert page.status_code == 200
    assert f'action="{path}"'.encode() in page.data and b"<button" in page.data
    assert _frequency(runtime, w.grace) == "weekly"  # link scanners that GET do not unsubscribe


def test_tampered_or_foreign_tokens_are_refused(client: Any, runner: Any, runtime: Any,
                                                smtp_server: SmtpServer) -> None:
    w = seed_world(runtime)
    runner.invoke(args=["digests", "send"])
    path = _unsubscribe_path(smtp_server, "ada.lovelace@example.org")
    token = path.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/me/unsubscribe/{tampered}").status_code == 400
    assert client.get(f"/me/unsubscribe/{tampered}").status_code == 400
    assert client.post("/me/unsubscribe/not-a-token").status_code == 400
    from itsdangerous import URLSafeSerializer

    other_key = URLSafeSerializer("another-secret", salt="innobridge.digest-unsubscribe").dumps({"r": w.ada})
    assert client.post(f"/me/unsubscribe/{other_key}").status_code == 400
    assert _frequency(runtime, w.ada) == "weekly"


def test_unsubscribed_researcher_gets_no_further_digest(client: Any, runner: Any, runtime: Any,
                                                        smtp_server: SmtpServer) -> None:
    w = seed_world(runtime)
    runner.invoke(args=["digests", "send", "--dry-run"])
    with runtime.db.session() as s:
        s.get(Researcher, w.grace).last_digest_at = None  # type: ignore[union-attr]
    with client.application.app_context():
        from web.researcher.tokens import unsubscribe_token

        token = unsubscribe_token(w.ada)
    assert client.post(f"/me/unsubscribe/{token}").status_code == 200
    assert runner.invoke(args=["digests", "send"]).exit_code == 0
    assert [r.rcpt_tos for r in smtp_server.received] == [["grace.hopper@example.org"]]
