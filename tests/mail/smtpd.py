"""A real SMTP server on loopback (aiosmtpd) for tests: collects what it accepts, can refuse on demand."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port nothing listens on (bound then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes = b""  # as it went over the wire, to check headers a client reads without decoding


@dataclass
class CollectingHandler:
    """Accepts every message, except the ones whose 1-based number is in `refuse` (answered 554)."""

    received: list[Received] = field(default_factory=list)
    refuse: set[int] = field(default_factory=set)
    seen: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.seen += 1
        if self.seen in self.refuse:
            return "554 5.7.1 refused by test"
        message = message_from_bytes(envelope.content.replace(b"\r\n", b"\n"), policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.content))
        return "250 OK"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: CollectingHandler

    @property
    def received(self) -> list[Received]:
        return self.handler.received


@contextmanager
def serve() -> Iterator[SmtpServer]:
    """aiosmtpd listening on 127.0.0.1 at a free port while the block runs (the `smtp_server` fixture)."""
    handler = CollectingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


class Inbox:
    """What the server accepted, as the coordinator tests read it: messages and their recipients, in order."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.server.received]

    @property
    def recipients(self) -> list[list[str]]:
        return [r.rcpt_tos for r in self.server.received]
