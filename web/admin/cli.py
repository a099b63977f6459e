"""`flask --app wsgi curation export [--out FILE]`: curation decisions and outcomes as JSONL labels."""
from __future__ import annotations

import json
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from matcher.services import curation

from ..extensions import runtime

curation_cli = AppGroup("curation", help="Curation decisions and outcomes.")


@curation_cli.command("export")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
def export(out: str | None) -> None:
    """Write one JSON line per curation decision or outcome step, for learning the ranking."""
    stream = open(out, "w", encoding="utf-8") if out else sys.stdout
    count = 0
    try:
        for record in curation.export_labels(runtime()):
            stream.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    finally:
        if out:
            stream.close()
    if out:
        click.echo(f"{count} labels written to {out}", err=True)


@curation_cli.command("suggest")
@click.option("--limit", default=20, show_default=True, help="Candidates per problem.")
def suggest(limit: int) -> None:
    """Run the matcher for every new problem that has no suggested matches yet (e.g. after a demo load)."""
    items, _ = curation.queue(runtime(), "new", limit=100_000)
    added = 0
    for item in items:
        if not item.matches:
            added += curation.suggest_matches(runtime(), item.id, None, limit=limit)
    click.echo(f"{added} matches suggested")


def init_app(app: Flask) -> None:
    app.cli.add_command(curation_cli)
