"""Probe finding 9: a write while the database was locked past the timeout was a 500 (and the problem lost).

Now the client gets 503 with Retry-After, nothing is half-written, and the same request succeeds once
the lock is gone. The lock is real: another connection holds SQLite's write lock (or, on PostgreSQL,
an EXCLUSIVE lock on the problems table) while the request runs.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select, text

from matcher.db import make_engine
from matcher.models import Match, Problem
from matcher.services import accounts
from tests.factories import csrf_token, login
from web.security import hash_token

TEXT = "Porosity in laser welded aluminium battery trays after the seal weld."


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "DATABASE_LOCK_TIMEOUT": 1}  # the probe waited 30 s; the path is the same


@contextmanager
def database_locked(url: str) -> Iterator[None]:
    """Hold the write lock another writer would hold, from a connection of our own."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.begin()
                conn.execute(text("LOCK TABLE problems IN EXCLUSIVE MODE"))
            yield
            conn.rollback()
    finally:
        engine.dispose()


def _counts(runtime: Any) -> tuple[int, int]:
    with runtime.db.session() as session:
        return (int(session.scalar(select(func.count()).select_from(Problem)) or 0),
                int(session.scalar(select(func.count()).select_from(Match)) or 0))


def test_an_api_write_during_a_lock_is_a_503_with_retry_after(client, runtime, world, database_url) -> None:
    accounts.set_api_token_hash(runtime, world.users["sme"], hash_token("ib_lock_token"))
    headers = {"Authorization": "Bearer ib_lock_token"}
    before = _counts(runtime)
    with database_locked(database_url):
        response = client.post("/api/v1/problems", json={"title": "Weld porosity", "text": TEXT}, headers=headers)
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["status"] == 503
    assert _counts(runtime) == before  # nothing half-written
    again = client.post("/api/v1/problems", json={"title": "Weld porosity", "text": TEXT}, headers=headers)
    assert again.status_code == 201
    assert _counts(runtime)[0] == before[0] + 1


def test_a_site_write_during_a_lock_is_a_503_page(client, runtime, world, database_url) -> None:
    login(client, "sme@firm.example.com")
    token = csrf_token(client, "/problems/new")
    before = _counts(runtime)
    with database_locked(database_url):
        response = client.post("/problems/new", data={"title": "Weld porosity", "text": TEXT,
                                                      "visibility": "public", "csrf_token": token})
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert "try again" in response.get_data(as_text=True)
    assert _counts(runtime) == before
