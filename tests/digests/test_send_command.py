"""`flask digests send` against a real SMTP server on loopback: content, exactly once, failures, crashes."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from matcher.models import DigestLog, Researcher
from matcher.repositories import network as network_queries
from tests.factories import add_user
from tests.factories.digests import LAST_DIGEST, read_utc, seed_world, utc
from tests.mail.smtpd import SmtpServer, free_port
from web.mail import OutgoingMail, SmtpProvider


def _send(runner: Any, *args: str) -> Any:
    return runner.invoke(args=["digests", "send", *args])


def _logs(runtime: Any) -> dict[str, tuple[str, int, str | None]]:
    with runtime.db.session() as s:
        return {r.researcher_id: (r.status, r.attempts, r.error) for r in s.scalars(select(DigestLog))}


def _last_digest(runtime: Any, rid: str) -> Any:
    with runtime.db.session() as s:
        return read_utc(s.scalar(select(Researcher.last_digest_at).where(Researcher.id == rid)))


def _recipients(server: SmtpServer) -> list[str]:
    return [to for r in server.received for to in r.rcpt_tos]


def test_dry_run_lists_who_gets_what_and_why_and_changes_nothing(runner: Any, runtime: Any,
                                                                  smtp_server: SmtpServer) -> None:
    w = seed_world(runtime)
    result = _send(runner, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would send to Ada Lovelace <ada.lovelace@example.org>" in result.output
    assert "would send to Grace Hopper <grace.hopper@example.org>" in result.output
    assert "Laser welding of battery housings" in result.output
    assert "why: Laser welding" in result.output
    assert '"We developed laser welding of thin aluminium sheets."' in result.output
    assert "Idle Composites" not in result.output and "Opted Out" not in result.output
    assert "Secret laser welding" not in result.output
    assert "2 would be sent" in result.output
    assert smtp_server.received == []
    assert _logs(runtime) == {}
    assert _last_digest(runtime, w.ada) == utc(LAST_DIGEST)


def test_real_run_sends_one_message_per_matching_researcher(runner: Any, runtime: Any,
                                                            smtp_server: SmtpServer) -> None:
    w = seed_world(runtime)
    result = _send(runner)
    assert result.exit_code == 0, result.output
    assert sorted(_recipients(smtp_server)) == ["ada.lovelace@example.org", "grace.hopper@example.org"]
    ada = next(r.message for r in smtp_server.received if r.rcpt_tos == ["ada.lovelace@example.org"])
    assert ada["Subject"] == "InnoBridge: 2 new problems matching your expertise"
    assert ada.get_content_type() == "multipart/alternative"
    text = ada.get_body(preferencelist=("plain",)).get_content()
    html = ada.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "Laser welding of battery housings" in body
        assert "Corrosion in coastal installations" in body
        assert "We developed laser welding of thin aluminium sheets." in body
        assert "https://innobridge.example.org/problems/problem:public" in body
        assert "https://innobridge.example.org/problems/problem:public#help" in body  # "I can help"
        assert "Secret laser welding" not in body and "titanium implants" not in body
        assert "cookie" not in body
    assert "An anonymous manufacturer" in text
    assert text.count("Acme Secret Metalworks") == 1  # named on the public problem only
    unsubscribe = ada["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://innobridge.example.org/me/unsubscribe/") and unsubscribe.endswith(">")
    assert ada["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw = next(r.raw for r in smtp_server.received if r.rcpt_tos == ["ada.lovelace@example.org"])
    # On the wire, not only after decoding: one-click clients read the header as is (RFC 8058).
    assert f"List-Unsubscribe: {unsubscribe}".encode() in raw
    assert unsubscribe[1:-1] in text and unsubscribe[1:-1] in html
    assert ada["Message-ID"].startswith("<digest.") and ada["X-InnoBridge-Digest"].startswith("weekly:")
    logs = _logs(runtime)
    assert logs == {w.ada: ("sent", 1, None), w.grace: ("sent", 1, None)}
    assert _last_digest(runtime, w.ada) > utc(LAST_DIGEST)
    assert _last_digest(runtime, w.idle) == utc(LAST_DIGEST)  # nothing new: not touched

    again = _send(runner)
    assert again.exit_code == 0, again.output
    assert "2 already sent this period" in again.output
    assert len(smtp_server.received) == 2


def test_a_claimed_profile_without_an_email_gets_its_digest_at_the_accounts_address(
        runner: Any, runtime: Any, smtp_server: SmtpServer) -> None:
    """A profile from the public data may carry no email; once an account holds it, its digests go there."""
    w = seed_world(runtime)
    user_id = add_user(runtime, "ada@lab.example.org", "researcher", researcher_id=w.ada)
    with runtime.db.session() as s:
        s.get(Researcher, w.ada).email = None
    result = _send(runner)
    assert result.exit_code == 0, result.output
    assert sorted(_recipients(smtp_server)) == ["ada@lab.example.org", "grace.hopper@example.org"]
    assert user_id


def test_a_profile_without_an_email_or_an_account_gets_no_digest(runtime: Any) -> None:
    w = seed_world(runtime)
    with runtime.db.session() as s:
        s.get(Researcher, w.ada).email = None
        s.get(Researcher, w.grace).email = ""
    with runtime.db.session() as s:
        subscribers = {r.id: email for r, email in network_queries.digest_subscribers(s, ("weekly", "monthly"))}
        assert w.ada not in subscribers and w.grace not in subscribers
        assert network_queries.digest_address(s, s.get(Researcher, w.ada)) is None
    add_user(runtime, "grace@lab.example.org", "researcher", researcher_id=w.grace)
    with runtime.db.session() as s:
        subscribers = {r.id: email for r, email in network_queries.digest_subscribers(s, ("weekly", "monthly"))}
        assert subscribers.get(w.grace) == "grace@lab.example.org"


def test_frequency_option_selects_researchers(runner: Any, runtime: Any, smtp_server: SmtpServer) -> None:
    w = seed_world(runtime)
    with runtime.db.session() as s:
        s.get(Researcher, w.grace).digest_frequency = "monthly"  # type: ignore[union-attr]
    assert _send(runner, "--frequency", "monthly").exit_code == 0
    assert _recipients(smtp_server) == ["grace.hopper@example.org"]
    assert _logs(runtime)[w.grace][0] == "sent"
    with runtime.db.session() as s:
        assert s.scalar(select(DigestLog.period_key).where(DigestLog.researcher_id == w.grace)).startswith("monthly:")


def test_smtp_refusing_connections_fails_loudly_and_is_retried(app: Any, runner: Any, runtime: Any,
                                                               smtp_server: SmtpServer) -> None:
    w = seed_world(runtime)
    working = app.extensions["mail"]
    app.extensions["mail"] = SmtpProvider("127.0.0.1", free_port(), None, None, False, app.config["MAIL_FROM"], 5)
    result = _send(runner)
    assert result.exit_code != 0
    assert "2 digest(s) failed" in result.output
    logs = _logs(runtime)
    assert {k: v[:2] for k, v in logs.items()} == {w.ada: ("failed", 1), w.grace: ("failed", 1)}
    assert all("SMTP 127.0.0.1" in (v[2] or "") for v in logs.values())
    assert _last_digest(runtime, w.ada) == utc(LAST_DIGEST)

    app.extensions["mail"] = working
    retry = _send(runner)
    assert retry.exit_code == 0, retry.output
    assert sorted(_recipients(smtp_server)) == ["ada.lovelace@example.org", "grace.hopper@example.org"]
    assert _logs(runtime) == {w.ada: ("sent", 2, None), w.grace: ("sent", 2, None)}
    assert _last_digest(runtime, w.ada) > utc(LAST_DIGEST)


def test_server_refusing_one_message_retries_only_that_one(runner: Any, runtime: Any,
                                                           smtp_server: SmtpServer) -> None:
    w = seed_world(runtime, researchers=3)
    smtp_server.handler.refuse = {2}
    first = _send(runner)
    assert first.exit_code == 1 and "1 digest(s) failed" in first.output
    assert len(smtp_server.received) == 4
    failed = [rid for rid, (status, _, _) in _logs(runtime).items() if status == "failed"]
    assert len(failed) == 1

    second = _send(runner)
    assert second.exit_code == 0, second.output
    recipients = _recipients(smtp_server)
    assert len(recipients) == 5 == len(set(recipients))
    logs = _logs(runtime)
    assert all(status == "sent" for status, _, _ in logs.values())
    assert logs[failed[0]][1] == 2 and logs[w.ada][1] == 1


class Crash(BaseException):
    """Stands for the process dying (kill -9, power cut): nothing in the command can catch it."""


class CrashingProvider:
    """A real SMTP provider that dies after `after` messages, either before or after the SMTP accept."""

    def __init__(self, inner: SmtpProvider, after: int, accept_then_crash: bool = False) -> None:
        self.inner, self.after, self.accept_then_crash, self.calls = inner, after, accept_then_crash, 0

    def send(self, mail: OutgoingMail) -> str:
        self.calls += 1
        if self.calls > self.after:
            if self.accept_then_crash:
                self.inner.send(mail)
            raise Crash(f"crash on message {self.calls}")
        return self.inner.send(mail)


def test_crash_mid_batch_loses_nothing_and_duplicates_nothing(app: Any, runner: Any, runtime: Any,
                                                              smtp_server: SmtpServer) -> None:
    seed_world(runtime, researchers=5)  # ada, grace and five bulk welders: 7 digests
    working = app.extensions["mail"]
    app.extensions["mail"] = CrashingProvider(working, after=3)
    with pytest.raises(Crash):
        _send(runner)
    assert len(smtp_server.received) == 3
    statuses = sorted(status for status, _, _ in _logs(runtime).values())
    assert statuses == ["sending", "sent", "sent", "sent"]  # the 4th was claimed, never accepted

    app.extensions["mail"] = working
    result = _send(runner)
    assert result.exit_code == 0, result.output
    recipients = _recipients(smtp_server)
    assert len(recipients) == 7 == len(set(recipients))
    assert all(status == "sent" for status, _, _ in _logs(runtime).values())
    assert len(_logs(runtime)) == 7

    third = _send(runner)
    assert third.exit_code == 0 and len(smtp_server.received) == 7


def test_crash_between_smtp_accept_and_commit_resends_with_the_same_message_id(
        app: Any, runner: Any, runtime: Any, smtp_server: SmtpServer) -> None:
    """The documented window: at most one duplicate, recognisable by its Message-ID."""
    seed_world(runtime)
    working = app.extensions["mail"]
    app.extensions["mail"] = CrashingProvider(working, after=0, accept_then_crash=True)
    with pytest.raises(Crash):
        _send(runner)
    assert len(smtp_server.received) == 1
    app.extensions["mail"] = working
    assert _send(runner).exit_code == 0
    first, *rest = smtp_server.received
    duplicate = [r for r in rest if r.rcpt_tos == first.rcpt_tos]
    assert len(duplicate) == 1 and duplicate[0].message["Message-ID"] == first.message["Message-ID"]
    assert len(smtp_server.received) == 3


def test_limit_caps_messages_per_run(runner: Any, runtime: Any, smtp_server: SmtpServer) -> None:
    seed_world(runtime, researchers=2)
    result = _send(runner, "--limit", "1")
    assert result.exit_code == 0, result.output
    assert len(smtp_server.received) == 1
    assert "4 not processed this run (--limit)" in result.output
    assert _send(runner).exit_code == 0
    assert len(smtp_server.received) == 4 == len(set(_recipients(smtp_server)))


def test_private_problem_is_never_mailed_even_to_its_best_match(runner: Any, runtime: Any,
                                                                smtp_server: SmtpServer) -> None:
    seed_world(runtime)
    with runtime.db.session() as s:
        from matcher.models import Problem

        for p in s.scalars(select(Problem).where(Problem.id != "problem:private")):
            p.visibility = "private"
    result = _send(runner)
    assert result.exit_code == 0, result.output
    assert _recipients(smtp_server) == ["grace.hopper@example.org"]  # her project; ada only had private matches
    for received in smtp_server.received:
        assert "titanium implants" not in received.message.as_string()
    assert "Secret laser welding" not in result.output
