"""Operations CLI: `flask --app wsgi db|index|demo|users|check-settings ...`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from matcher import migrate

from .extensions import runtime

db_cli = AppGroup("db", help="Database schema.")


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema."""
    migrate.upgrade(runtime().db.url, revision)
    click.echo(f"database at {revision}")


@click.command("check-settings")
def check_settings() -> None:
    """Check that the configured database and search backend answer; exit non-zero otherwise."""
    from sqlalchemy import text

    with runtime().db.session() as session:
        session.execute(text("SELECT 1"))
    click.echo(f"database: ok ({runtime().db.dialect})")
    click.echo(f"search: {runtime().search.health()}")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(check_settings)
