"""matcher.services.demo.seed_digest_demo: a newcomer with the demo data can try `digests send` at once."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from matcher.models import Problem, Researcher
from matcher.services.demo import seed_digest_demo
from tests.factories.digests import NOW, seed_world, utc
from tests.mail.smtpd import SmtpServer


def test_seed_opts_in_researchers_with_example_addresses_and_fresh_problems(runner: Any, runtime: Any,
                                                                            smtp_server: SmtpServer) -> None:
    seed_world(runtime)
    with runtime.db.session() as s:  # a demo as loaded: nobody opted in, every problem old
        s.execute(update(Researcher).values(email=None, digest_frequency="off", last_digest_at=None))
        s.execute(update(Problem).values(created_at=utc(NOW - timedelta(days=60))))
    chosen = seed_digest_demo(runtime, count=2)
    assert len(chosen) == 2
    assert all(email.endswith("@example.org") for _, email in chosen)
    assert ("Ada Lovelace", "ada.lovelace@example.org") in chosen
    with runtime.db.session() as s:
        fresh = s.scalars(select(Problem.id).where(Problem.visibility == "public",
                                                   Problem.created_at > utc(NOW - timedelta(days=7)))).all()
        assert fresh
    assert seed_digest_demo(runtime, count=2) == chosen  # idempotent

    dry = runner.invoke(args=["digests", "send", "--dry-run"])
    assert dry.exit_code == 0 and "would send to Ada Lovelace <ada.lovelace@example.org>" in dry.output
    assert runner.invoke(args=["digests", "send"]).exit_code == 0
    assert ["ada.lovelace@example.org"] in [r.rcpt_tos for r in smtp_server.received]
    again = runner.invoke(args=["digests", "send"])
    assert again.exit_code == 0 and "0 sent" in again.output
