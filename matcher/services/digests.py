"""Researcher digests: what is new for a researcher since their last digest, and sending it exactly once.

`build_digest` is pure with respect to the store (it only reads): it scores each new public or
anonymous problem and each new institute project against the researcher's *own* evidence, after the
researcher's corrections (removed/added capabilities, excluded publications, recency half-life,
regions of interest). Scoring against the researcher's own evidence rather than running the full
ranking per item keeps a digest explainable ("you match because of X, shown in your paper Y") and
independent of how many other candidates the index holds.

`send_digests` is the exactly-once driver used by `flask digests send`. For each researcher and
period (``weekly:2026-W48``, ``monthly:2026-11``) one DigestLog row exists:

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
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import or_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.models import (
    Capability,
    CapabilityEvidence,
    DigestLog,
    Document,
    DocumentEntity,
    InstituteProject,
    Organization,
    Problem,
    Researcher,
)

log = logging.getLogger(__name__)

FREQUENCIES = ("weekly", "monthly")
PERIOD_LENGTH = {"weekly": timedelta(days=7), "monthly": timedelta(days=31)}
DIGEST_VISIBILITIES = ("public", "anonymous")  # never "private"
MAX_ITEMS = 10
MIN_SCORE = 0.5  # one capability backed by one recent sentence scores ~0.63
ADDED_CAPABILITY_WEIGHT = 2.0
PARENT_MATCH_FACTOR = 0.5
EVIDENCE_PER_CAPABILITY = 2
MAX_REASONS = 3
#: Sending attempts per digest, first one included; a digest still failing after them is given up.
MAX_ATTEMPTS = 3
#: An item reaches a researcher only if the matcher ranks them among its best this many researchers.
TOP_RESEARCHERS_PER_ITEM = 30


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class EvidenceLine:
    """One sentence of the researcher's own work that shows a capability."""

    sentence: str
    source: str  # e.g. "Laser welding of thin sheets (2021)" or "added by you"
    document_id: str | None = None


@dataclass(frozen=True)
class Reason:
    """Why an item is in the digest: a capability it asks for, and where the researcher shows it."""

    capability_id: str
    label: str
    item_sentence: str
    evidence: tuple[EvidenceLine, ...]
    via_parent: str | None = None  # the researcher's broader capability when matched through the taxonomy


@dataclass(frozen=True)
class DigestItem:
    kind: str  # "problem" | "project"
    id: str
    title: str
    summary: str
    organization: str | None  # None for anonymous problems: the firm is never named
    region: str | None
    created_at: datetime
    path: str  # path on the public site, joined to PUBLIC_BASE_URL by the renderer
    score: float
    reasons: tuple[Reason, ...]

    def as_log(self) -> dict[str, Any]:
        """What the digest log keeps of an item: enough to audit what was mailed."""
        return {"kind": self.kind, "id": self.id, "title": self.title, "score": round(self.score, 3),
                "capabilities": [r.label for r in self.reasons]}


@dataclass(frozen=True)
class Digest:
    researcher_id: str
    researcher_name: str
    email: str | None
    frequency: str
    since: datetime
    until: datetime
    items: tuple[DigestItem, ...]


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


# --------------------------------------------------------------------------- helpers


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything here is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _utc(value: datetime) -> datetime:
    """Aware UTC for the database: PostgreSQL timestamptz stores the instant, SQLite the UTC wall time."""
    return _aware(value).astimezone(timezone.utc)


def period_key(frequency: str, at: datetime) -> str:
    """The digest period `at` falls in: ISO week for weekly, calendar month for monthly."""
    at = _aware(at)
    if frequency == "weekly":
        year, week, _ = at.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    if frequency == "monthly":
        return f"monthly:{at.year}-{at.month:02d}"
    raise ValueError(f"digest frequency {frequency!r}: expected one of {', '.join(FREQUENCIES)}")


def _summary(text: str | None, limit: int = 280) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@dataclass
class _Expertise:
    label: str
    weight: float = 0.0
    evidence: list[tuple[float, EvidenceLine]] = field(default_factory=list)


def researcher_expertise(
    session: Session, researcher: Researcher, now: datetime | None = None
) -> dict[str, _Expertise]:
    """The researcher's capabilities after their own corrections, with recency-weighted evidence.

    Removed capabilities and evidence from excluded publications never count; added capabilities
    count with a fixed weight even without a document.
    """
    year_now = _aware(now or datetime.now(timezone.utc)).year
    removed = set(researcher.removed_capabilities or ())
    excluded = set(session.scalars(select(DocumentEntity.document_id).where(
        DocumentEntity.entity_id == researcher.id, DocumentEntity.excluded.is_(True))))
    rows = session.execute(
        select(CapabilityEvidence, Document.title, Document.year)
        .outerjoin(Document, Document.id == CapabilityEvidence.document_id)
        .where(or_(
            # Extracted evidence hangs on the researcher's documents; declared evidence on the researcher.
            CapabilityEvidence.entity_id == researcher.id,
            CapabilityEvidence.entity_id.in_(select(DocumentEntity.document_id).where(
                DocumentEntity.entity_id == researcher.id)),
        ))
        .where(CapabilityEvidence.source != "keyphrase")
    ).all()
    out: dict[str, _Expertise] = {}
    half_life = researcher.recency_half_life
    for ev, title, year in rows:
        if ev.capability_id in removed or (ev.document_id is not None and ev.document_id in excluded):
            continue
        weight = float(ev.weight or 0.0)
        if half_life and half_life > 0 and year:
            weight *= 0.5 ** (max(0, year_now - int(year)) / half_life)
        entry = out.setdefault(ev.capability_id, _Expertise(ev.capability_label))
        entry.weight += weight
        if ev.source == "researcher" or ev.document_id is None:
            line = EvidenceLine(ev.sentence or "Added by you", "added by you", None)
        else:
            source = f"{title} ({year})" if title and year else (title or "publication")
            line = EvidenceLine(ev.sentence, source, ev.document_id)
        if line.sentence:
            entry.evidence.append((weight, line))
    added = [c for c in (researcher.added_capabilities or ()) if c not in removed]
    if added:
        labels = dict(session.execute(select(Capability.id, Capability.label).where(Capability.id.in_(added))).all())
        for cid in added:
            entry = out.setdefault(cid, _Expertise(labels.get(cid, cid)))
            entry.weight = max(entry.weight, ADDED_CAPABILITY_WEIGHT)
            if not any(line.source == "added by you" for _, line in entry.evidence):
                entry.evidence.append((ADDED_CAPABILITY_WEIGHT, EvidenceLine("Added by you", "added by you")))
    return out


def _best_evidence(entry: _Expertise) -> tuple[EvidenceLine, ...]:
    seen: set[str] = set()
    picked: list[EvidenceLine] = []
    for _, line in sorted(entry.evidence, key=lambda pair: -pair[0]):
        if line.sentence in seen:
            continue
        seen.add(line.sentence)
        picked.append(line)
        if len(picked) == EVIDENCE_PER_CAPABILITY:
            break
    return tuple(picked)


class ItemAnalyses:
    """What a digest run learns about each new item once, however many researchers it is checked for.

    An item's capability mentions (spaCy) and the researchers the site's ranking puts among its best
    candidates do not depend on the researcher, so one run computes each once: before, every recipient
    re-extracted every item (and a process-wide cache kept rankings from before a profile correction).
    The ranking uses the same match() as the site (exclusions, removed capabilities and recency honoured).
    """

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self._mentions: dict[str, list[Any]] = {}
        self._ranked: dict[str, frozenset[str]] = {}

    def mentions(self, item_id: str, text: str) -> list[Any]:
        """The item's taxonomy capability mentions (keyphrases left out), in order of appearance."""
        if item_id not in self._mentions:
            from matcher.capabilities.extractor import get_extractor

            self._mentions[item_id] = [m for m in get_extractor().extract(text) if not m.is_keyphrase]
        return self._mentions[item_id]

    def ranks(self, item_id: str, text: str, researcher_id: str) -> bool:
        """Whether the matcher ranks this researcher among the item's best; True where nothing is indexed."""
        if item_id not in self._ranked:
            from matcher.services.matching import match

            result = match(self.runtime, text, kinds=["researcher"], limit=TOP_RESEARCHERS_PER_ITEM,
                           explain_page=False)
            self._ranked[item_id] = frozenset(m.entity_id for m in result.matches)
        ranked = self._ranked[item_id]
        return not ranked or researcher_id in ranked


def _score_mentions(mentions: Sequence[Any], expertise: dict[str, _Expertise]) -> tuple[float, tuple[Reason, ...]]:
    """Capabilities the text asks for that the researcher has; a saturating sum so breadth beats volume."""
    from matcher.capabilities.taxonomy import get_taxonomy

    taxonomy = get_taxonomy()
    score = 0.0
    reasons: list[Reason] = []
    strengths: list[float] = []
    done: set[str] = set()
    for mention in mentions:
        if mention.capability_id in done:
            continue
        done.add(mention.capability_id)
        entry, factor, via = expertise.get(mention.capability_id), 1.0, None
        if entry is None:
            for parent in taxonomy.ancestors(mention.capability_id)[:1]:
                if parent.id in expertise:
                    entry, factor, via = expertise[parent.id], PARENT_MATCH_FACTOR, expertise[parent.id].label
        if entry is None or entry.weight <= 0:
            continue
        strength = factor * (1.0 - math.exp(-entry.weight))
        score += strength
        strengths.append(strength)
        reasons.append(Reason(mention.capability_id, mention.label, mention.sentence, _best_evidence(entry), via))
    # The strongest few reasons explain; a long list of weak ones only hides them.
    strongest = sorted(zip(strengths, reasons), key=lambda pair: -pair[0])[:MAX_REASONS]
    return score, tuple(reason for _, reason in strongest)


def _scored(analyses: ItemAnalyses, item_id: str, text: str,
            expertise: dict[str, _Expertise]) -> tuple[float, tuple[Reason, ...]] | None:
    """The item's score and reasons from capabilities alone, or None below MIN_SCORE (the cheap test)."""
    score, reasons = _score_mentions(analyses.mentions(item_id, text), expertise)
    return (score, reasons) if score >= MIN_SCORE else None


def _in_regions(region: str | None, regions: Sequence[str]) -> bool:
    """No regions of interest means everywhere; an item of unknown region is kept (it may be remote work)."""
    if not regions or not region:
        return True
    return region.casefold() in {r.casefold() for r in regions}


# --------------------------------------------------------------------------- build


def build_digest(
    runtime: Any,
    researcher: Researcher | str,
    since: datetime,
    *,
    until: datetime | None = None,
    max_items: int = MAX_ITEMS,
    analyses: ItemAnalyses | None = None,
) -> Digest | None:
    """New public/anonymous problems and institute projects in (since, until] that fit the researcher.

    Returns None when nothing fits, so the caller sends nothing. Reads only. A run over many
    researchers passes one `analyses`, so each item is extracted and ranked once.
    """
    analyses = analyses or ItemAnalyses(runtime)
    until = _aware(until or datetime.now(timezone.utc))
    since = _aware(since)
    with runtime.db.session() as session:
        row = session.get(Researcher, researcher if isinstance(researcher, str) else researcher.id)
        if row is None:
            return None
        expertise = researcher_expertise(session, row, until)
        if not expertise:
            return None
        regions = list(row.regions_of_interest or ())
        window = (_utc(since), _utc(until))
        problems = session.execute(
            select(Problem, Organization.name)
            .outerjoin(Organization, Organization.id == Problem.organization_id)
            .where(Problem.visibility.in_(DIGEST_VISIBILITIES), Problem.status != "closed",
                   Problem.created_at > window[0], Problem.created_at <= window[1])
            .order_by(Problem.created_at, Problem.id)
        ).all()
        projects = session.execute(
            select(InstituteProject, Organization.name)
            .outerjoin(Organization, Organization.id == InstituteProject.institute_id)
            .where(InstituteProject.created_at > window[0], InstituteProject.created_at <= window[1])
            .order_by(InstituteProject.created_at, InstituteProject.id)
        ).all()
        candidates: list[tuple[DigestItem, str]] = []  # (item, the text the matcher ranks it by)
        for problem, firm in problems:
            if problem.visibility not in DIGEST_VISIBILITIES or not _in_regions(problem.region, regions):
                continue
            text = f"{problem.title}. {problem.text}"
            fit = _scored(analyses, problem.id, text, expertise)
            if fit is not None:
                score, reasons = fit
                candidates.append((DigestItem(
                    "problem", problem.id, problem.title, _summary(problem.text),
                    firm if problem.visibility == "public" else None, problem.region,
                    _aware(problem.created_at), f"/problems/{problem.id}", score, reasons), text))
        for project, institute in projects:
            if not _in_regions(project.region, regions):
                continue
            title = f"{project.acronym}: {project.title}" if project.acronym else project.title
            text = f"{project.title}. {project.description or ''}"
            fit = _scored(analyses, project.id, text, expertise)
            if fit is not None:
                score, reasons = fit
                candidates.append((DigestItem(
                    "project", project.id, title, _summary(project.description), institute, project.region,
                    _aware(project.created_at), f"/entities/{project.id}", score, reasons), text))
    # Best first; the matcher (the costly test) is asked only until max_items fit, which keeps exactly
    # the items that sorting every fitting item and cutting at max_items would keep.
    candidates.sort(key=lambda c: (-c[0].score, c[0].created_at, c[0].id))
    items: list[DigestItem] = []
    for item, text in candidates:
        if len(items) >= max_items:
            break
        if analyses.ranks(item.id, text, row.id):
            items.append(item)
    if not items:
        return None
    return Digest(row.id, row.name, row.email, row.digest_frequency, since, until, tuple(items))


# --------------------------------------------------------------------------- send exactly once


@dataclass(frozen=True)
class _Candidate:
    id: str
    name: str
    email: str
    frequency: str
    last_digest_at: datetime | None


def _candidates(runtime: Any, frequency: str | None) -> list[_Candidate]:
    frequencies = (frequency,) if frequency else FREQUENCIES
    with runtime.db.session() as session:
        rows = session.scalars(
            select(Researcher)
            .where(Researcher.digest_frequency.in_(frequencies), Researcher.email.is_not(None),
                   Researcher.email != "", Researcher.merged_into_id.is_(None))
            .order_by(Researcher.id)
        ).all()
        return [_Candidate(r.id, r.name, r.email or "", r.digest_frequency,
                           _aware(r.last_digest_at) if r.last_digest_at else None) for r in rows]


def _message_id(log_id: int, key: str, domain: str) -> str:
    return f"<digest.{log_id}.{key.replace(':', '.')}@{domain}>"


def _claim(runtime: Any, cand: _Candidate, key: str, digest: Digest, since: datetime) -> Envelope | None:
    """Write the `sending` row (or re-arm a failed or interrupted one) and commit it before any mail leaves.

    Returns None when another run got there first.
    """
    items = [i.as_log() for i in digest.items]
    try:
        with runtime.db.session() as session:
            row = session.scalar(select(DigestLog).where(DigestLog.researcher_id == cand.id,
                                                         DigestLog.period_key == key))
            if row is None:
                row = DigestLog(researcher_id=cand.id, period_key=key, status="sending", items=items, attempts=1,
                                since=_utc(since))
                session.add(row)
                session.flush()
                return Envelope(row.id, key, "", 1)
            if row.status == "sent":
                return None
            attempt = (row.attempts or 0) + 1
            claimed = session.execute(
                update(DigestLog)
                .where(DigestLog.id == row.id, DigestLog.attempts == row.attempts, DigestLog.status != "sent")
                .values(status="sending", attempts=attempt, items=items, error=None)
            ).rowcount
            return Envelope(row.id, key, "", attempt) if claimed == 1 else None
    except IntegrityError:
        return None


def _mark_sent(runtime: Any, log_id: int, researcher_id: str, until: datetime) -> None:
    """The step that closes the duplicate window: one small transaction right after the SMTP accept."""
    now = datetime.now(timezone.utc)
    with runtime.db.session() as session:
        session.execute(update(DigestLog).where(DigestLog.id == log_id)
                        .values(status="sent", sent_at=_utc(now), error=None))
        session.execute(update(Researcher).where(Researcher.id == researcher_id)
                        .values(last_digest_at=_utc(until)))


def _mark_failed(runtime: Any, log_id: int, error: str, status: str = "failed") -> None:
    with runtime.db.session() as session:
        session.execute(update(DigestLog).where(DigestLog.id == log_id).values(status=status, error=error[:2000]))


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
    runtime: Any,
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
    until = _aware(now or datetime.now(timezone.utc))
    report = RunReport(frequency, dry_run)
    analyses = ItemAnalyses(runtime)
    attempted = 0
    for cand in _candidates(runtime, frequency):
        key = period_key(cand.frequency, until)
        with runtime.db.session() as session:
            existing = session.scalar(select(DigestLog).where(DigestLog.researcher_id == cand.id,
                                                              DigestLog.period_key == key))
            state = (existing.id, existing.status, _aware(existing.since) if existing.since else None,
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
                    session.execute(delete(DigestLog).where(DigestLog.id == state[0], DigestLog.status != "sent"))
            report.outcomes.append(Outcome(cand.id, cand.name, cand.email, key, "nothing_new"))
            continue
        attempted += 1
        if dry_run:
            report.outcomes.append(Outcome(cand.id, cand.name, cand.email, key, "would_send", digest.items))
            continue
        report.outcomes.append(_send_one(runtime, deliver, cand, key, digest, since, until, message_id_domain))
    return report


def _send_one(runtime: Any, deliver: Callable[[Digest, Envelope], object], cand: _Candidate, key: str,
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


# --------------------------------------------------------------------------- demo


def _email_local_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_name) if w]
    if not words:
        return "researcher"
    return ".".join([words[0], words[-1]] if len(words) > 1 else words)


def seed_digest_demo(runtime: Any, *, count: int = 3, now: datetime | None = None) -> list[tuple[str, str]]:
    """Opt a few demo researchers in to weekly digests, so `flask digests send --dry-run` shows something at once.

    Gives them firstname.lastname@example.org addresses and a last digest eight days ago, and makes sure
    some public problems are newer than that. Idempotent. Returns (name, email) of the researchers.
    """
    now = _aware(now or datetime.now(timezone.utc))
    last = now - timedelta(days=8)
    with runtime.db.session() as session:
        recent = session.scalar(select(func.count()).select_from(Problem).where(
            Problem.visibility == "public", Problem.created_at > _utc(last)))
        if not recent:
            newest = session.scalars(select(Problem).where(Problem.visibility == "public")
                                     .order_by(Problem.created_at.desc(), Problem.id).limit(5)).all()
            for i, problem in enumerate(newest):
                problem.created_at = _utc(now - timedelta(days=1, hours=i))
        already = session.scalars(select(Researcher.id).where(Researcher.email.like("%@example.org"),
                                                              Researcher.digest_frequency != "off")
                                  .order_by(Researcher.id)).all()
        ranked = session.execute(
            select(DocumentEntity.entity_id, func.count())
            .join(CapabilityEvidence, CapabilityEvidence.entity_id == DocumentEntity.document_id)
            .where(DocumentEntity.entity_kind == "researcher", DocumentEntity.excluded.is_(False))
            .group_by(DocumentEntity.entity_id)
            .order_by(func.count().desc(), DocumentEntity.entity_id).limit(60)
        ).all()
    chosen: list[str] = list(already[:count])
    if len(chosen) < count:
        fitting, others = [], []
        analyses = ItemAnalyses(runtime)
        for researcher_id, _ in ranked:
            if researcher_id in chosen:
                continue
            digest = build_digest(runtime, researcher_id, last, until=now, analyses=analyses)
            (fitting if digest is not None else others).append(researcher_id)
            if len(fitting) >= count - len(chosen):
                break
        chosen.extend((fitting + others)[: count - len(chosen)])
    out: list[tuple[str, str]] = []
    with runtime.db.session() as session:
        taken = set(session.scalars(select(Researcher.email).where(Researcher.email.is_not(None))).all())
        for researcher_id in chosen:
            row = session.get(Researcher, researcher_id)
            if row is None:
                continue
            if not (row.email or "").endswith("@example.org"):
                base = _email_local_part(row.name)
                email, n = f"{base}@example.org", 1
                while email in taken:
                    n += 1
                    email = f"{base}{n}@example.org"
                taken.add(email)
                row.email = email
            row.digest_frequency = "weekly"
            row.last_digest_at = _utc(last)
            out.append((row.name, row.email or ""))
    return out
