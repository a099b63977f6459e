"""SmtpProvider against a real SMTP server on loopback: what arrives is what we meant to send."""
from __future__ import annotations

import pytest

from tests.mail.smtpd import SmtpServer, free_port
from web.mail import MailError, OutgoingMail, SmtpProvider

SENDER = "InnoBridge <noreply@innobridge.example.org>"


def _provider(server: SmtpServer) -> SmtpProvider:
    return SmtpProvider(server.host, server.port, None, None, False, SENDER, timeout=5)


def test_plain_text_message_arrives_with_headers(smtp_server: SmtpServer) -> None:
    message_id = _provider(smtp_server).send(OutgoingMail(
        to="ada.lovelace@example.org", subject="Three new problems for you", text="Hello Ada,\nline two\n",
        headers={"X-InnoBridge-Kind": "digest"}))
    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.rcpt_tos == ["ada.lovelace@example.org"]
    assert got.mail_from == "noreply@innobridge.example.org"
    msg = got.message
    assert msg["Subject"] == "Three new problems for you"
    assert msg["To"] == "ada.lovelace@example.org"
    assert msg["From"] == SENDER
    assert msg["X-InnoBridge-Kind"] == "digest"
    assert msg["Message-ID"] == message_id
    assert not msg.is_multipart()
    assert msg.get_content() == "Hello Ada,\nline two\n"


def test_html_is_an_alternative_to_the_text(smtp_server: SmtpServer) -> None:
    _provider(smtp_server).send(OutgoingMail(
        to="grace.hopper@example.org", subject="Ünïcode subject ✓", text="plain body é",
        html="<p>html <b>body</b> é</p>"))
    msg = smtp_server.received[0].message
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "Ünïcode subject ✓"
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert text.get_content().strip() == "plain body é"
    assert html.get_content().strip() == "<p>html <b>body</b> é</p>"


def test_a_fixed_message_id_is_kept(smtp_server: SmtpServer) -> None:
    fixed = "<digest-7-weekly-2026-W48@innobridge.local>"
    returned = _provider(smtp_server).send(OutgoingMail(
        to="a@example.org", subject="s", text="t", headers={"Message-ID": fixed}))
    assert returned == fixed
    msg = smtp_server.received[0].message
    assert msg.get_all("Message-ID") == [fixed]


def test_refused_connection_raises_mail_error() -> None:
    provider = SmtpProvider("127.0.0.1", free_port(), None, None, False, SENDER, timeout=5)
    with pytest.raises(MailError, match="SMTP 127.0.0.1"):
        provider.send(OutgoingMail(to="a@example.org", subject="s", text="t"))


def test_server_refusing_the_message_raises_mail_error(smtp_server: SmtpServer) -> None:
    smtp_server.handler.refuse = {1}
    with pytest.raises(MailError):
        _provider(smtp_server).send(OutgoingMail(to="a@example.org", subject="s", text="t"))
    assert smtp_server.received == []
