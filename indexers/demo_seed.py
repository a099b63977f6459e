"""After the demo data is loaded: accounts to log in with, suggested matches to curate, digest subscribers.

Everything here is idempotent. Passwords come from DEMO_PASSWORD or are generated once and written
to instance/demo-accounts.txt (readable by the owner only), never hard-coded.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from matcher.models import DocumentEntity, Match, Organization, Problem, Researcher, User
from matcher.runtime import Runtime

DEMO_ACCOUNTS = (("coordinator@example.org", "coordinator"), ("admin@example.org", "admin"),
                 ("sme@example.org", "sme"), ("researcher@example.org", "researcher"))
PROBLEMS_TO_MATCH = 12
MATCHES_PER_PROBLEM = 10


def seed(runtime: Runtime) -> dict[str, Any]:
    from indexers.taxonomy import sync_taxonomy

    sync_taxonomy(runtime)
    accounts = _accounts(runtime)
    suggested = _suggest(runtime)
    _curation_history(runtime)
    from matcher.services.digests import seed_digest_demo

    subscribers = seed_digest_demo(runtime)
    return {"demo_accounts": accounts, "suggested_matches": suggested,
            "digest_subscribers": [email for _, email in subscribers]}


def _credentials_file(runtime: Runtime) -> Path:
    return Path(runtime.settings.get("INDEX_DIR", "instance/index")).parent / "demo-accounts.txt"


def _accounts(runtime: Runtime) -> str:
    """Create the four demo accounts once; returns where their passwords are."""
    path = _credentials_file(runtime)
    with runtime.db.session() as session:
        existing = set(session.scalars(select(User.email)))
        missing = [(e, r) for e, r in DEMO_ACCOUNTS if e not in existing]
        if not missing:
            return str(path)
        shared = os.environ.get("DEMO_PASSWORD")
        firm = session.scalar(select(Organization.id).where(Organization.kind == "firm").order_by(Organization.id))
        researcher = session.scalar(
            select(DocumentEntity.entity_id).where(DocumentEntity.entity_kind == "researcher")
            .group_by(DocumentEntity.entity_id).order_by(func.count().desc(), DocumentEntity.entity_id))
        lines = []
        for email, role in missing:
            password = shared or secrets.token_urlsafe(9)
            user = User(email=email, password_hash=generate_password_hash(password), role=role,
                        display_name=f"Demo {role}", active=True,
                        organization_id=firm if role == "sme" else None,
                        researcher_id=researcher if role == "researcher" else None)
            session.add(user)
            session.flush()
            if role == "researcher" and researcher:
                row = session.get(Researcher, researcher)
                if row is not None and row.claimed_by_user_id is None:
                    row.claimed_by_user_id = user.id
            lines.append(f"{email}\t{role}\t{password}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    path.chmod(0o600)
    return str(path)


def _suggest(runtime: Runtime) -> int:
    """Run the matcher for the most recent public problems so coordinators have a queue to curate."""
    from matcher.services.curation import suggest_matches

    with runtime.db.session() as session:
        matched = select(Match.problem_id)
        problem_ids = session.scalars(
            select(Problem.id).where(Problem.visibility == "public", Problem.id.not_in(matched))
            .order_by(Problem.created_at.desc(), Problem.id).limit(PROBLEMS_TO_MATCH)).all()
        already = session.scalar(select(func.count()).select_from(Match))
    if already:
        return int(already)
    return sum(suggest_matches(runtime, pid, None, limit=MATCHES_PER_PROBLEM) for pid in problem_ids)


def _curation_history(runtime: Runtime) -> None:
    """A little curation on the first problem, so the control tower's funnel is not empty on day one."""
    from matcher.services import curation

    with runtime.db.session() as session:
        if session.scalar(select(func.count()).select_from(Match).where(Match.stage != "suggested")):
            return
        first = session.scalar(select(Match.problem_id).order_by(Match.id))
        if first is None:
            return
        ids = session.scalars(select(Match.id).where(Match.problem_id == first).order_by(Match.rank)).all()
    for match_id in ids[:2]:
        curation.approve(runtime, match_id, None, note="demo: strong evidence")
    if len(ids) > 3:
        curation.reject(runtime, ids[-1], None, reason="demo: outside the problem's scope")
