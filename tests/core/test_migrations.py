"""Alembic migrations create exactly the schema the models describe."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from matcher import migrate
from matcher.db import make_engine
from matcher.models import Base


def test_upgrade_creates_every_table_and_matches_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_twice_is_a_no_op(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url)
    migrate.upgrade(url)
    engine = make_engine(url)
    assert "alembic_version" in inspect(engine).get_table_names()
    engine.dispose()


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                    reason="PostgreSQL runs (DATABASE_URL) only")
def test_postgresql_gets_exactly_the_models_schema_too() -> None:
    # A scratch database beside the test one: the suite's own schema is made by create_all, not migrations,
    # which hid that 0001's use_alter foreign key (users.researcher_id) never reached PostgreSQL.
    server = make_engine(os.environ["DATABASE_URL"]).execution_options(isolation_level="AUTOCOMMIT")
    name = f"innobridge_migrations_{uuid.uuid4().hex[:8]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.url.set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        engine.dispose()
        assert diff == [], f"models and migrations differ on PostgreSQL: {diff}"
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
