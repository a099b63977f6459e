"""After the demo data is loaded: accounts to log in with, suggested matches to curate, digest subscribers.

The demo's workflow state, made through the public service functions the site uses (accounts,
curation, digests), so it is what a coordinator or researcher would have produced. Loading the demo
data itself is indexers.demo; `flask demo load` runs both. Everything here is idempotent. Passwords
come from DEMO_PASSWORD or are generated once and written to a file readable by the owner only, never
hard-coded; the caller hashes them (the core never does).
"""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from matcher.models import Researcher
from matcher.repositories import demo as queries
from matcher.runtime import Runtime
from matcher.services import accounts, curation, profiles
from matcher.services.curation_partners import suggest_matches
from matcher.services.digests import ItemAnalyses, has_digest
from matcher.text import ascii_fold
from matcher.timeutil import as_utc, aware

DEMO_ACCOUNTS = (("coordinator@example.org", "coordinator"), ("admin@example.org", "admin"),
                 ("sme@example.org", "sme"), ("researcher@example.org", "researcher"))
PROBLEMS_TO_MATCH = 12
MATCHES_PER_PROBLEM = 10
DIGEST_SUBSCRIBERS = 3


def seed_demo(runtime: Runtime, hash_password: Callable[[str], str],
              progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Demo accounts, suggested matches with a little curation, and digest subscribers.

    `progress(done, 4)` after each of the four steps: the matching steps take tens of seconds on two cores.
    """
    step = progress or (lambda done, total: None)
    credentials = demo_accounts(runtime, hash_password)
    step(1, 4)
    suggested = suggest_demo_matches(runtime)
    step(2, 4)
    _curation_history(runtime)
    step(3, 4)
    subscribers = seed_digest_demo(runtime)
    step(4, 4)
    return {"demo_accounts": credentials, "suggested_matches": suggested,
            "digest_subscribers": [email for _, email in subscribers]}


def credentials_file(runtime: Runtime) -> Path:
    return Path(runtime.settings.get("INDEX_DIR", "instance/index")).parent / "demo-accounts.txt"


def demo_accounts(runtime: Runtime, hash_password: Callable[[str], str]) -> str:
    """Create the four demo accounts once; returns where their passwords are."""
    path = credentials_file(runtime)
    with runtime.db.session() as session:
        existing = queries.user_emails(session)
        firm = queries.first_firm_id(session)
        researcher = queries.most_documented_researcher(session)
    missing = [(e, r) for e, r in DEMO_ACCOUNTS if e not in existing]
    if not missing:
        return str(path)
    shared = os.environ.get("DEMO_PASSWORD")
    lines = []
    for email, role in missing:
        password = shared or secrets.token_urlsafe(9)
        account = accounts.create_user(runtime, email, hash_password(password), role, display_name=f"Demo {role}",
                                       organization_id=firm if role == "sme" else None,
                                       researcher_id=researcher if role == "researcher" else None)
        if role == "researcher" and researcher:
            profiles.claim_profile(runtime, researcher, account.id)
        lines.append(f"{email}\t{role}\t{password}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    path.chmod(0o600)
    return str(path)


def suggest_demo_matches(runtime: Runtime) -> int:
    """Run the matcher for the most recent public problems so coordinators have a queue to curate."""
    with runtime.db.session() as session:
        problem_ids = queries.newest_unmatched_public_problems(session, PROBLEMS_TO_MATCH)
        already = queries.match_total(session)
    if already:
        return already
    return sum(suggest_matches(runtime, pid, None, limit=MATCHES_PER_PROBLEM) for pid in problem_ids)


def _curation_history(runtime: Runtime) -> None:
    """A little curation on the first problem, so the control tower's funnel is not empty on day one."""
    with runtime.db.session() as session:
        if queries.match_total(session, curated_only=True):
            return
        first = queries.first_matched_problem(session)
        if first is None:
            return
        ids = queries.match_ids_by_rank(session, first)
    for match_id in ids[:2]:
        curation.approve(runtime, match_id, None, note="demo: strong evidence")
    if len(ids) > 3:
        curation.reject(runtime, ids[-1], None, reason="demo: outside the problem's scope")


def _email_local_part(name: str) -> str:
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_fold(name).lower()) if w]
    if not words:
        return "researcher"
    return ".".join([words[0], words[-1]] if len(words) > 1 else words)


def seed_digest_demo(runtime: Runtime, *, count: int = DIGEST_SUBSCRIBERS,
                     now: datetime | None = None) -> list[tuple[str, str]]:
    """Opt a few demo researchers in to weekly digests, so `flask digests send --dry-run` shows something at once.

    Gives them firstname.lastname@example.org addresses and a last digest eight days ago, and makes sure
    some public problems are newer than that. Idempotent. Returns (name, email) of the researchers.
    """
    now = aware(now or datetime.now(timezone.utc))
    last = now - timedelta(days=8)
    with runtime.db.session() as session:
        recent = queries.public_problems_since(session, as_utc(last))
        if not recent:
            newest = queries.newest_public_problems(session, 5)
            for i, problem in enumerate(newest):
                problem.created_at = as_utc(now - timedelta(days=1, hours=i))
        already = queries.demo_subscribers(session)
        ranked = queries.researchers_by_evidence(session, 60)
    chosen: list[str] = list(already[:count])
    if len(chosen) < count:
        fitting: list[str] = []
        others: list[str] = []
        analyses = ItemAnalyses(runtime)
        for researcher_id, _ in ranked:
            if researcher_id in chosen:
                continue
            has = has_digest(runtime, researcher_id, last, until=now, analyses=analyses)
            (fitting if has else others).append(researcher_id)
            if len(fitting) >= count - len(chosen):
                break
        chosen.extend((fitting + others)[: count - len(chosen)])
    return _subscribe(runtime, chosen, last)


def _subscribe(runtime: Runtime, researcher_ids: list[str], last: datetime) -> list[tuple[str, str]]:
    """Weekly digests for these researchers, each with an @example.org address (kept when they have one)."""
    out: list[tuple[str, str]] = []
    with runtime.db.session() as session:
        taken = queries.researcher_emails(session)
        for researcher_id in researcher_ids:
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
            row.last_digest_at = as_utc(last)
            out.append((row.name, row.email or ""))
    return out
