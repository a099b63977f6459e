"""Sending each due researcher's digest exactly once: the driver behind `flask digests send`.

For each researcher and period (``weekly:2026-W48``, ``monthly:2026-11``) one DigestLog row exists:

1. the row is created (or re-armed) as ``sending``, its attempt counted, in its own committed
   transaction BEFORE the message leaves;
2. the message is handed to the mail server, with a Message-ID fixed by the row (the same on retries);
3. the row is marked ``sent`` (and ``Researcher.last_digest_at`` advanced), ``failed`` when the server
   certainly did not take it (refused, unreachable), or ``uncertain`` when the content went out but the
   final reply never came (a slow server that times the client out has usually stored the message).

A re-run skips ``sent`` rows, retries ``failed`` ones and a ``sending`` row left by a crash, each at most
MAX_ATTEMPTS times in all, and never resends an ``uncertain`` one unless asked (``retry_uncertain``,
still within the cap): resending blindly is how one researcher once got five copies of a digest. The
only window for a duplicate without an operator's say is a crash between the server's accept and step
3's commit; the copy then carries the same Message-ID, which mail clients de-duplicate. Runs must not
overlap (run cron under ``flock``); a concurrent run is still stopped by the unique (researcher,
period) key for new rows and an optimistic ``attempts`` check for retries.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import IntegrityError

from matcher.models import DigestLog
from matcher.repositories import network as network_queries
from matcher.repositories import operations as operation_queries
from matcher.runtime import Runtime
from matcher.services.digests import Digest, DigestItem, ItemAnalyses, build_digest
from matcher.timeutil import as_utc, aware

log = logging.getLogger(__name__)

FREQUENCIES = ("weekly", "monthly")
PERIOD_LENGTH = {"weekly": timedelta(days=7), "monthly": timedelta(days=31)}
#: Sending attempts per digest, first one included; a digest still failing after them is given up.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Envelope:
    """What the deliverer needs beyond the digest: the log row it belongs to and a stable Message-ID."""

    log_id: int
    period_key: str
    message_id: str
    attempt: int


@dataclass
class Outcome:
    researcher_id: str
    name: str
    email: str | None
    period_key: str
    # sent | failed | uncertain | held (uncertain earlier, not resent) | gave_up | would_send | already_sent
    # | nothing_new | skipped
    status: str
    items: tuple[DigestItem, ...] = ()
    error: str | None = None


@dataclass
class RunReport:
    frequency: str | None
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def sent(self) -> int:
        return self.count("sent")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def uncertain(self) -> int:
        return self.count("uncertain")


def period_key(frequency: str, at: datetime) -> str:
    """The digest period `at` falls in: ISO week for weekly, calendar month for monthly."""
    at = aware(at)
    if frequency == "weekly":
        year, week, _ = at.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    if frequency == "monthly":
        return f"monthly:{at.year}-{at.month:02d}"
    raise ValueError(f"digest frequency {frequency!r}: expected one of {', '.join(FREQUENCIES)}")


@dataclass(frozen=True)
class _Candidate:
    id: str
    name: str
    email: str
    frequency: str
    last_digest_at: datetime | None


def _candidates(runtime: Runtime, frequency: str | None) -> list[_Candidate]:
    frequencies = (frequency,) if frequency else FREQUENCIES
    with runtime.db.session() as session:
        rows = network_queries.digest_subscribers(session, frequencies)
        return [_Candidate(r.id, r.name, email, r.digest_frequency,
                           aware(r.last_digest_at) if r.last_digest_at else None) for r, email in rows]


def _message_id(log_id: int, key: str, domain: str) -> str:
    return f"<digest.{log_id}.{key.replace(':', '.')}@{domain}>"


def _claim(runtime: Runtime, cand: _Candidate, key: str, digest: Digest, since: datetime) -> Envelope | None:
    """Write the `sending` row (or re-arm a failed or interrupted one) and commit it before any mail leaves.

    Returns None when another run got there first.
    """
    items = [i.as_log() for i in digest.items]
    try:
        with runtime.db.session() as session:
            row = operation_queries.digest_log(session, cand.id, key)
            if row is None:
                row = DigestLog(researcher_id=cand.id, period_key=key, status="sending", items=items, attempts=1,
                                since=as_utc(since))
                session.add(row)
                session.flush()
                return Envelope(row.id, key, "", 1)
            if row.status == "sent":
                return None
            attempt = (row.attempts or 0) + 1
            claimed = operation_queries.claim_digest_log(session, row.id, row.attempts, attempt, items)
            return Envelope(row.id, key, "", attempt) if claimed else None
    except IntegrityError:
        return None


def _mark_sent(runtime: Runtime, log_id: int, researcher_id: str, until: datetime) -> None:
    """The step that closes the duplicate window: one small transaction right after the SMTP accept."""
    now = datetime.now(timezone.utc)
    with runtime.db.session() as session:
        operation_queries.set_digest_status(session, log_id, status="sent", sent_at=as_utc(now), error=None)
        network_queries.set_last_digest(session, researcher_id, as_utc(until))


def _mark_failed(runtime: Runtime, log_id: int, error: str, status: str = "failed") -> None:
    with runtime.db.session() as session:
        operation_queries.set_digest_status(session, log_id, status=status, error=error[:2000])


def _held_back(state: tuple[int, str, datetime | None, int] | None, retry_uncertain: bool) -> str | None:
    """Why an existing row must not be sent again this run (an Outcome status), or None to go ahead."""
    if state is None:
        return None
    if state[1] == "sent":
        return "already_sent"
    if state[3] >= MAX_ATTEMPTS:
        return "gave_up"
    if state[1] == "uncertain" and not retry_uncertain:
        return "held"
    return None


def send_digests(
    runtime: Runtime,
    deliver: Callable[[Digest, Envelope], object],
    *,
    frequency: str | None = None,
    dry_run: bool = False,
    limit: int | None = None,
    now: datetime | None = None,
    message_id_domain: str = "innobridge.local",
    retry_uncertain: bool = False,
) -> RunReport:
    """Send each due researcher's digest once per period; see the module docstring for the guarantees.

    `deliver` hands one message to the mail server and raises on failure (an exception whose
    `delivery_uncertain` is true marks the row uncertain, any other Exception failed, and the run goes
    on; BaseException, e.g. a crash, propagates). `limit` caps the messages attempted (or, in a dry run,
    listed) in this run. A dry run reads only.
    """
    if frequency is not None and frequency not in FREQUENCIES:
        raise ValueError(f"frequency {frequency!r}: expected one of {', '.join(FREQUENCIES)}")
    until = aware(now or datetime.now(timezone.utc))
    report = RunReport(frequency, dry_run)
    analyses = ItemAnalyses(runtime)
    attempted = 0
    for cand in _candidates(runtime, frequency):
        key = period_key(cand.frequency, until)
        with runtime.db.session() as session:
            existing = operation_queries.digest_log(session, cand.id, key)
            state = (existing.id, existing.status, aware(existing.since) if existing.since else None,
                     existing.attempts or 0) if existing is not None else None
        held = _held_back(state, retry_uncertain)
        if held is not None:
            report.outcomes.append(Outcome(cand.id, cand.name, cand.email, key, held))
            continue
        since = (state[2] if state is not None and state[2] is not None
                 else cand.last_digest_at or until - PERIOD_LENGTH[cand.frequency])
        if limit is not None and attempted >= limit:
            report.outcomes.append(Outcome(cand.id, cand.name, cand.email, key, "skipped", error="--limit reached"))
            continue
        digest = build_digest(runtime, cand.id, since, until=until, analyses=analyses)
        if digest is None:
            if state is not None and not dry_run:
                # A retry with nothing left to say (e.g. the problem went private): drop the unsent row.
                with runtime.db.session() as session:
                    operation_queries.delete_unsent_digest_log(session, state[0])
            report.outcomes.append(Outcome(cand.id, cand.name, cand.email, key, "nothing_new"))
            continue
        attempted += 1
        if dry_run:
            report.outcomes.append(Outcome(cand.id, cand.name, cand.email, key, "would_send", digest.items))
            continue
        report.outcomes.append(_send_one(runtime, deliver, cand, key, digest, since, until, message_id_domain))
    return report


def _send_one(runtime: Runtime, deliver: Callable[[Digest, Envelope], object], cand: _Candidate, key: str,
              digest: Digest, since: datetime, until: datetime, domain: str) -> Outcome:
    """Claim, deliver and record one digest (steps 1-3 of the module docstring)."""
    claimed = _claim(runtime, cand, key, digest, since)
    if claimed is None:
        return Outcome(cand.id, cand.name, cand.email, key, "already_sent")
    envelope = Envelope(claimed.log_id, key, _message_id(claimed.log_id, key, domain), claimed.attempt)
    try:
        deliver(digest, envelope)
    except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded; retried only when certain
        status = "uncertain" if getattr(exc, "delivery_uncertain", False) else "failed"
        log.warning("digest for %s %s: %s", cand.id, status, exc)
        _mark_failed(runtime, claimed.log_id, f"{type(exc).__name__}: {exc}", status)
        return Outcome(cand.id, cand.name, cand.email, key, status, digest.items, str(exc))
    _mark_sent(runtime, claimed.log_id, cand.id, until)
    return Outcome(cand.id, cand.name, cand.email, key, "sent", digest.items)
