"""The coordinator panel (/admin): curation, outcomes, control tower and data care; staff only."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, loop_views, tower_views, views  # noqa: F401  (tower_views adds routes to views.bp)

    app.register_blueprint(views.bp)
    app.register_blueprint(loop_views.consent_bp)
    cli.init_app(app)
