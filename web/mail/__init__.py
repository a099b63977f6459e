"""Outgoing mail through one small interface; the provider is chosen by config (smtp, console, memory)."""
from __future__ import annotations

import smtplib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from flask import Flask, current_app


HEADER_POLICY = policy.default.clone(max_line_length=998)


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


class MailError(RuntimeError):
    """Raised when a message could not be handed to the mail server; callers decide whether to retry."""

    #: False: the server certainly did not take the message (refused, or the connection failed before it).
    delivery_uncertain = False


class MailUncertain(MailError):
    """The whole message went out but no final reply came back (timeout, dropped connection).

    The server may well have stored it: a blind resend could deliver a second copy.
    """

    delivery_uncertain = True


class _TrackingSMTP(smtplib.SMTP):
    """smtplib's client, remembering whether the message content was started (the point of no return)."""

    data_started = False

    def data(self, msg):  # type: ignore[no-untyped-def]
        self.data_started = True
        return super().data(msg)


class MailProvider(Protocol):
    def send(self, mail: OutgoingMail) -> str: ...


def one_line(value: str) -> str:
    """Header text with line breaks and other control characters turned into spaces.

    Subjects carry names from imported data; a CR/LF in one would otherwise be refused by the email
    package (an error after the request was recorded) or, in a laxer one, start a forged header.
    """
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    # Long header lines are allowed (RFC 5322: 998): a List-Unsubscribe URL has no place to fold, and the
    # default 78 would turn it into an encoded word that one-click unsubscribe clients cannot read.
    message = EmailMessage(policy=HEADER_POLICY)
    message["From"] = one_line(sender)
    message["To"] = one_line(mail.to)
    message["Subject"] = one_line(mail.subject)
    # A caller may fix the Message-ID (digests do, so a re-sent copy can be recognised as the same message).
    message["Message-ID"] = one_line(mail.headers.get("Message-ID") or make_msgid(domain="innobridge.local"))
    for name, value in mail.headers.items():
        if name.lower() != "message-id":
            message[one_line(name)] = one_line(value)
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


class SmtpProvider:
    """Plain SMTP with optional STARTTLS and login, from the SMTP_* settings."""

    def __init__(self, host: str, port: int, user: str | None, password: str | None, tls: bool, sender: str,
                 timeout: float = 15.0) -> None:
        self.host, self.port, self.user, self.password, self.tls = host, port, user, password, tls
        self.sender, self.timeout = sender, timeout

    def send(self, mail: OutgoingMail) -> str:
        message = build_message(mail, self.sender)
        smtp: _TrackingSMTP | None = None
        try:
            with _TrackingSMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.tls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            answered = isinstance(exc, smtplib.SMTPResponseException)  # the server said no: certain
            error = MailUncertain if smtp is not None and smtp.data_started and not answered else MailError
            raise error(f"SMTP {self.host}:{self.port}: {exc}") from exc
        return str(message["Message-ID"])


class ConsoleProvider:
    """Development: print the message instead of sending it."""

    def __init__(self, sender: str) -> None:
        self.sender = sender

    def send(self, mail: OutgoingMail) -> str:
        message = build_message(mail, self.sender)
        print(message.as_string(), file=sys.stdout, flush=True)
        return str(message["Message-ID"])


class MemoryProvider:
    """Tests of the web layer: keeps messages in a list on the app (SMTP itself is tested against aiosmtpd)."""

    def __init__(self, sender: str) -> None:
        self.sender = sender
        self.outbox: list[EmailMessage] = []

    def send(self, mail: OutgoingMail) -> str:
        message = build_message(mail, self.sender)
        self.outbox.append(message)
        return str(message["Message-ID"])


def _make_provider(app: Flask) -> MailProvider:
    cfg = app.config
    sender = cfg["MAIL_FROM"]
    factories = {
        "smtp": lambda: SmtpProvider(cfg["SMTP_HOST"] or "127.0.0.1", int(cfg["SMTP_PORT"]), cfg.get("SMTP_USER"),
                                     cfg.get("SMTP_PASSWORD"), bool(cfg.get("SMTP_TLS")), sender,
                                     timeout=float(cfg.get("SMTP_TIMEOUT", 15))),
        "console": lambda: ConsoleProvider(sender),
        "memory": lambda: MemoryProvider(sender),
    }
    name = cfg.get("MAIL_PROVIDER", "console")
    if name not in factories:
        raise RuntimeError(f"MAIL_PROVIDER={name!r}: expected one of {', '.join(factories)}")
    return factories[name]()


def init_app(app: Flask) -> None:
    app.extensions["mail"] = _make_provider(app)


def mail_provider() -> MailProvider:
    return current_app.extensions["mail"]


def send_mail(mail: OutgoingMail) -> str:
    """Send one message with the configured provider; raises MailError when the server refuses."""
    return mail_provider().send(mail)
