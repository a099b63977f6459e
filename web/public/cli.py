"""`flask --app wsgi alerts send`: the cron entry point for saved-search alerts."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from matcher.services.saved_searches import send_alerts

from ..extensions import runtime
from ..mail.alerts import deliver_alert

alerts_cli = AppGroup("alerts", help="Saved-search email alerts.")


@alerts_cli.command("send")
def alerts_send() -> None:
    """Email each saved search's new matches once; failed sends stay pending and go out with the next run."""
    sent, failed = send_alerts(runtime(), deliver_alert)
    click.echo(f"{sent} alert{'s' if sent != 1 else ''} sent, {failed} failed")
    if failed:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(alerts_cli)
