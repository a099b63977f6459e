"""Saved searches: a firm keeps a search and is emailed when new partners, equipment or projects match it.

What the search finds when it is saved is its baseline and is never announced. Each later run stores
what is new as "pending" rows before anything is sent (the unique pair search x entity makes a second
run find nothing new), and marks them "sent" only after the mail server accepted the message; a failed
send stays pending and is retried by the next run, never duplicated by it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from matcher.models import SavedSearch, SavedSearchHit, User
from matcher.repositories import operations as queries
from matcher.runtime import Runtime

#: Kinds a saved search watches: research partners, equipment and institute projects.
ALERT_KINDS: tuple[str, ...] = ("researcher", "lab", "equipment", "project")
KIND_GROUPS: dict[str, tuple[str, ...]] = {"partners": ("researcher", "lab"), "equipment": ("equipment",),
                                           "project": ("project",), "projects": ("project",)}
WATCHED = 50
MAX_PER_USER = 20


class SavedSearchError(ValueError):
    """Bad input for a saved search; the message is safe to show."""


@dataclass(frozen=True)
class SavedSearchView:
    id: int
    query: str
    kind: str | None
    region: str | None
    active: bool
    created_at: datetime
    known: int


@dataclass(frozen=True)
class AlertItem:
    entity_id: str
    kind: str
    name: str


@dataclass(frozen=True)
class Alert:
    saved_search_id: int
    user_id: int
    email: str
    query: str
    items: tuple[AlertItem, ...]


def _kinds(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return ALERT_KINDS
    return KIND_GROUPS.get(kind) or ((kind,) if kind in ALERT_KINDS else ALERT_KINDS)


def current_hits(runtime: Runtime, search: SavedSearch) -> list[AlertItem]:
    """What the saved search finds now (its top WATCHED results of the watched kinds)."""
    from matcher.services.matching import match

    result = match(runtime, search.query, kinds=_kinds(search.kind),
                   regions=(search.region,) if search.region else None, limit=WATCHED)
    return [AlertItem(m.entity_id, m.entity_kind, m.name) for m in result.matches if m.entity_kind in ALERT_KINDS]


def save(runtime: Runtime, user_id: int, query: str, kind: str | None = None, region: str | None = None) -> int:
    """Keep a search; what it finds today is the baseline and is never announced."""
    query = (query or "").strip()[:1000]
    if len(query) < 3:
        raise SavedSearchError("write a search of at least a few words to save it")
    with runtime.db.session() as session:
        mine = queries.active_searches_of(session, user_id)
        if any(s.query == query and s.kind == kind and s.region == region for s in mine):
            raise SavedSearchError("you already saved this search")
        if len(mine) >= MAX_PER_USER:
            raise SavedSearchError(f"you can keep {MAX_PER_USER} saved searches at most; delete one first")
        search = SavedSearch(user_id=user_id, query=query, kind=kind, region=(region or "").strip()[:120] or None)
        session.add(search)
        session.flush()
        for item in current_hits(runtime, search):
            session.add(SavedSearchHit(saved_search_id=search.id, entity_id=item.entity_id, status="baseline"))
        return int(search.id)


def list_for(runtime: Runtime, user_id: int) -> list[SavedSearchView]:
    with runtime.db.session() as session:
        rows = queries.searches_of(session, user_id)
        out = []
        for row in rows:
            known = queries.hit_count(session, row.id)
            out.append(SavedSearchView(row.id, row.query, row.kind, row.region, bool(row.active), row.created_at,
                                       known))
        return out


def set_active(runtime: Runtime, search_id: int, active: bool, user_id: int | None = None) -> bool:
    """Stop (or resume) alerts; with `user_id` only its owner may. False when there is no such search."""
    with runtime.db.session() as session:
        search = session.get(SavedSearch, search_id)
        if search is None or (user_id is not None and search.user_id != user_id):
            return False
        search.active = active
        return True


def collect(runtime: Runtime) -> list[Alert]:
    """Find what is new for every active saved search and store it as pending, ready to send."""
    alerts = []
    with runtime.db.session() as session:
        for search in queries.active_searches(session):
            user = session.get(User, search.user_id)
            if user is None or not user.active or not user.email:
                continue
            known = {h.entity_id: h for h in queries.hits_of(session, search.id)}
            found = current_hits(runtime, search)
            names = {i.entity_id: i for i in found}
            for item in found:
                if item.entity_id not in known:
                    known[item.entity_id] = SavedSearchHit(saved_search_id=search.id, entity_id=item.entity_id,
                                                           status="pending")
                    session.add(known[item.entity_id])
            pending = [names.get(h.entity_id) or AlertItem(h.entity_id, h.entity_id.split(":", 1)[0], h.entity_id)
                       for h in known.values() if h.status == "pending"]
            if pending:
                alerts.append(Alert(search.id, user.id, user.email, search.query, tuple(pending)))
    return alerts


def mark_sent(runtime: Runtime, alert: Alert) -> None:
    """The mail server accepted the alert: its items are never announced again."""
    ids = [i.entity_id for i in alert.items]
    with runtime.db.session() as session:
        for hit in queries.hits_of(session, alert.saved_search_id, ids):
            hit.status, hit.sent_at = "sent", datetime.now(timezone.utc)


def send_alerts(runtime: Runtime, deliver: Callable[[Alert], str]) -> tuple[int, int]:
    """Collect and send every alert; returns (sent, failed). A failure leaves its items pending for the next run."""
    sent = failed = 0
    for alert in collect(runtime):
        try:
            deliver(alert)
        except Exception:  # noqa: BLE001 - any provider failure: keep pending, count, go on with the others
            failed += 1
            continue
        mark_sent(runtime, alert)
        sent += 1
    return sent, failed
