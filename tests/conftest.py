"""Shared fixtures: a fresh database and index per test, the app, its client, CLI runner and `auth`, and a
real SMTP server on loopback.

Set DATABASE_URL to a PostgreSQL URL to run the whole suite against PostgreSQL
(.ci/run does); otherwise every test gets its own SQLite file. A test that uses `smtp_server` (or `inbox`),
directly or through another fixture, gets an app that mails through that server. Data and login helpers
live in tests/factories/; a folder's conftest may adjust `app_config` but imports no other folder's conftest.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from matcher.db import make_engine
from matcher.models import Base
from tests import factories
from tests.mail.smtpd import Inbox, SmtpServer, serve

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
USING_POSTGRES = POSTGRES_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def _postgres_schema() -> Iterator[str | None]:
    """On PostgreSQL: recreate the schema once per session; tests then truncate."""
    if not USING_POSTGRES:
        yield None
        return
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    engine.dispose()
    yield POSTGRES_URL


@pytest.fixture
def database_url(tmp_path: Path, _postgres_schema: str | None) -> Iterator[str]:
    """A fresh, empty database for one test."""
    if _postgres_schema:
        engine = make_engine(_postgres_schema)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        yield _postgres_schema
        return
    url = f"sqlite:///{tmp_path / 'test.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd listening on 127.0.0.1 at a free port for one test."""
    with serve() as server:
        yield server


@pytest.fixture
def inbox(smtp_server: SmtpServer) -> Inbox:
    return Inbox(smtp_server)


@pytest.fixture
def app_config(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    mail: dict[str, Any] = {"MAIL_PROVIDER": "memory"}
    if "smtp_server" in request.fixturenames:
        server = request.getfixturevalue("smtp_server")
        mail = factories.smtp_settings(server.host, server.port)
    return {
        "INNOBRIDGE_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "SEARCH_BACKEND": "local",
        "INDEX_DIR": str(tmp_path / "index"),
        **mail,
        "RATELIMIT_ENABLED": False,
        "PUBLIC_BASE_URL": "http://localhost",
        # Tests that exercise semantic ranking turn the encoder on themselves; most need no model.
        "SEMANTIC_ENABLED": False,
        "SEARCH_CACHE_SECONDS": 0,
    }


@pytest.fixture
def app(app_config: dict[str, Any]):  # type: ignore[no-untyped-def]
    from web import create_app

    application = create_app(app_config)
    yield application
    application.extensions["innobridge"].close()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def runner(app):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def auth(client) -> factories.Auth:  # type: ignore[no-untyped-def]
    """Log the test client in (through the form, or straight into the session) and out."""
    return factories.Auth(client)


@pytest.fixture
def runtime(app):  # type: ignore[no-untyped-def]
    return app.extensions["innobridge"]


@pytest.fixture
def world(runtime) -> factories.World:  # type: ignore[no-untyped-def]
    """The site's world (tests/factories/site.py) with one user per role and a problem of each visibility,
    indexed; tests/admin replaces it with the coordinators' world."""
    world = factories.seed_entities(runtime)
    ph = factories.password_hash()
    world.users["sme"] = factories.add_user(runtime, "sme@firm.example.com", "sme", password_hash=ph,
                                            organization_id=world.firm_id)
    world.users["sme2"] = factories.add_user(runtime, "other@firm.example.com", "sme", password_hash=ph)
    world.users["researcher"] = factories.add_user(runtime, "r@uni.example.edu", "researcher", password_hash=ph,
                                                   researcher_id=world.researcher_id)
    world.users["coordinator"] = factories.add_user(runtime, "coord@institute.example.org", "coordinator",
                                                    password_hash=ph)
    world.users["admin"] = factories.add_user(runtime, "admin@institute.example.org", "admin", password_hash=ph)
    for visibility in ("public", "anonymous", "private"):
        world.problems[visibility] = factories.add_problem(runtime, world.users["sme"], visibility,
                                                           organization_id=world.firm_id)
    world.match_id = factories.add_match(runtime, world.problems["public"], world.researcher_id, "researcher",
                                         "Ada Welder")
    factories.rebuild(runtime)
    return world
