"""Operations CLI: `flask --app wsgi db|index|demo|users|check-settings ...`."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from matcher import migrate
from matcher.progress import Progress
from matcher.runtime import Runtime
from matcher.search import BackendUnavailable, RebuildRequired
from matcher.types import Filter

from .cli_ranking import ranking_cli
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
    runtime().db.ping()
    click.echo(f"database: ok ({runtime().db.dialect})")
    click.echo(f"search: {runtime().search.health()}")


index_cli = AppGroup("index", help="Import data and manage the search index.")


@index_cli.command("load")
@click.argument("kind", type=click.Choice(["firms", "publications", "awards", "equipment", "projects", "problems"]))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", default=None, help="csv, jsonl, json, openalex, bibtex, ris, xml, xlsx "
              "(default: from the file extension)")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="where to write rejected rows (default: instance/rejects/)")
def index_load(kind: str, path: Path, fmt: str | None, rejects: Path | None) -> None:
    """Import PATH as KIND; exits 0 when every row was stored, 1 when rows were rejected (each reported as
    file:line: field: reason), 2 when the file as a whole could not be read or the run failed."""
    from indexers.ingest import load

    try:
        with Progress(f"loading {kind}") as bar:
            report = load(runtime(), kind, path, fmt, progress=bar.update_to, reject_file=rejects)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(report.summary())
    if report.exit_code:
        sys.exit(report.exit_code)


@index_cli.command("check")
@click.option("--repair", is_flag=True, help="index what is missing and delete what SQL no longer has")
def index_check(repair: bool) -> None:
    """Compare SQL with the search index (and mark killed imports interrupted); exits 1 when they differ
    and --repair was not given."""
    from indexers.import_runs import mark_stale_runs
    from matcher.index_check import check_index

    interrupted = mark_stale_runs(runtime())
    try:
        report = check_index(runtime(), repair=repair)
    except (BackendUnavailable, NotImplementedError) as exc:
        raise click.ClickException(f"{exc}; run `flask --app wsgi index rebuild`") from exc
    click.echo(json.dumps({**report.as_dict(), "interrupted_imports": interrupted}, sort_keys=True))
    if not report.consistent and not report.repaired:
        sys.exit(1)


@index_cli.command("stats")
def index_stats() -> None:
    """Print one JSON object with counts per kind."""
    from matcher.services.stats import store_counts

    counts = store_counts(runtime())
    try:
        counts["index_documents"] = runtime().search.count(Filter(visibilities=None))
    except Exception as exc:  # noqa: BLE001 - stats still useful without the index
        counts["index_error"] = str(exc)  # type: ignore[assignment]
    click.echo(json.dumps(counts, sort_keys=True))


@index_cli.command("rebuild")
def index_rebuild() -> None:
    """Rebuild the search index (and document vectors) from SQL alone."""
    _rebuild_with_progress()


def _rebuild_with_progress() -> None:
    from matcher.indexing import rebuild_index

    with Progress("encoding", unit="docs") as encode_bar, Progress("indexing", unit="docs") as bar:
        count = rebuild_index(runtime(), progress=bar.update_to, encode_progress=encode_bar.update_to)
    click.echo(f"indexed {count} documents")


demo_cli = AppGroup("demo", help="The bundled demo data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="do nothing when data is already loaded (used by make run)")
def demo_load(if_empty: bool) -> None:
    """Load the bundled demo data set, then its accounts, suggested matches and digest subscribers (idempotent)."""
    from indexers.demo import demo_is_loaded

    if if_empty and demo_is_loaded(runtime()):
        try:
            runtime().search.health()
            click.echo("demo data already loaded")
        except RebuildRequired as exc:  # an upgrade changed the index layout: `make run` keeps working
            click.echo(f"demo data already loaded; {exc}: rebuilding it now")
            _rebuild_with_progress()
        return
    click.echo(json.dumps(load_and_seed_demo(runtime(), progress=True), sort_keys=True))


def load_and_seed_demo(rt: Runtime, progress: bool = False, **load_options: Any) -> dict[str, Any]:
    """The demo's data (indexers: store and index), then its workflow state through the services."""
    from indexers.demo import load_demo
    from matcher.progress import Progress
    from matcher.services.demo import seed_demo

    from .security import hash_password

    loaded = load_demo(rt, progress=progress, **load_options)
    if not progress:
        return {**loaded, **seed_demo(rt, hash_password)}
    with Progress("demo: accounts, suggested matches, curation, digest subscribers", unit="steps") as bar:
        return {**loaded, **seed_demo(rt, hash_password, progress=bar.update_to)}


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(index_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(check_settings)
    app.cli.add_command(ranking_cli)
