"""Probe finding 6: a slow SMTP server that stored a digest but answered after the client's timeout got
the digest again on every run (one researcher received 5 copies). Now such a send is recorded as
uncertain and never resent blindly; definite failures are retried at most MAX_ATTEMPTS times, with the
same Message-ID. The server is the real aiosmtpd on loopback, made slow or made to drop the connection.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from matcher.models import DigestLog
from matcher.services.digest_sending import MAX_ATTEMPTS
from tests.factories.digests import seed_world
from tests.mail.smtpd import CollectingHandler, free_port

CLIENT_TIMEOUT = 1


@dataclass
class FaultyHandler(CollectingHandler):
    """Stores every message, then answers according to `mode`: ok, slow (after the client gave up) or drop."""

    mode: str = "slow"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if self.mode == "slow":
            await asyncio.sleep(CLIENT_TIMEOUT * 3)
        elif self.mode == "drop":
            server.transport.close()
        return reply


@pytest.fixture
def faulty_smtp() -> Iterator[tuple[FaultyHandler, int]]:
    handler = FaultyHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], faulty_smtp: tuple[FaultyHandler, int]) -> dict[str, Any]:
    return {**app_config, "MAIL_PROVIDER": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": faulty_smtp[1],
            "SMTP_TIMEOUT": CLIENT_TIMEOUT, "PUBLIC_BASE_URL": "https://innobridge.example.org"}


def _copies(handler: FaultyHandler) -> Counter[str]:
    return Counter(to for received in handler.received for to in received.rcpt_tos)


def _logs(runtime: Any) -> dict[str, tuple[str, int]]:
    with runtime.db.session() as session:
        return {r.researcher_id: (r.status, r.attempts) for r in session.scalars(select(DigestLog))}


@pytest.mark.parametrize("mode", ["slow", "drop"])
def test_a_stored_but_unconfirmed_digest_is_never_sent_twice(runner, runtime, faulty_smtp, mode: str) -> None:
    handler, _ = faulty_smtp
    handler.mode = mode
    world = seed_world(runtime)
    first = runner.invoke(args=["digests", "send"])
    assert first.exit_code == 1 and "uncertain" in first.output
    copies = _copies(handler)
    assert len(copies) == 2 and set(copies.values()) == {1}
    for _ in range(3):
        again = runner.invoke(args=["digests", "send"])
        assert "held as uncertain" in again.output
    handler.mode = "ok"  # even once the server answers promptly, the uncertain digests are not resent
    runner.invoke(args=["digests", "send"])
    assert _copies(handler) == copies
    assert _logs(runtime) == {world.ada: ("uncertain", 1), world.grace: ("uncertain", 1)}


def test_an_operator_may_resend_uncertain_digests_with_the_same_message_id(runner, runtime, faulty_smtp) -> None:
    handler, _ = faulty_smtp
    world = seed_world(runtime)
    runner.invoke(args=["digests", "send"])
    handler.mode = "ok"
    result = runner.invoke(args=["digests", "send", "--retry-uncertain"])
    assert result.exit_code == 0, result.output
    by_recipient: dict[str, set[str]] = {}
    for received in handler.received:
        by_recipient.setdefault(received.rcpt_tos[0], set()).add(str(received.message["Message-ID"]))
    assert len(by_recipient) == 2 and all(len(ids) == 1 for ids in by_recipient.values())
    assert _logs(runtime) == {world.ada: ("sent", 2), world.grace: ("sent", 2)}


def test_definite_failures_are_retried_at_most_the_cap(runner, runtime, faulty_smtp) -> None:
    handler, _ = faulty_smtp
    handler.mode = "ok"
    handler.refuse = set(range(1, 100))  # the server answers 554 to every message
    world = seed_world(runtime)
    for _ in range(MAX_ATTEMPTS + 2):
        runner.invoke(args=["digests", "send"])
    assert handler.seen == 2 * MAX_ATTEMPTS
    assert _logs(runtime) == {world.ada: ("failed", MAX_ATTEMPTS), world.grace: ("failed", MAX_ATTEMPTS)}
    last = runner.invoke(args=["digests", "send"])
    assert "given up" in last.output and handler.seen == 2 * MAX_ATTEMPTS
