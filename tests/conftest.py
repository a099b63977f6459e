"""Shared fixtures: a fresh database and index per test, the app, its client and CLI runner.

Set DATABASE_URL to a PostgreSQL URL to run the whole suite against PostgreSQL
(.ci/run does); otherwise every test gets its own SQLite file.
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
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "INNOBRIDGE_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "SEARCH_BACKEND": "local",
        "INDEX_DIR": str(tmp_path / "index"),
        "MAIL_PROVIDER": "memory",
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
def runtime(app):  # type: ignore[no-untyped-def]
    return app.extensions["innobridge"]
