"""Researcher audience: own profile and settings, claim links, one-click unsubscribe, `flask digests`."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, views

    app.register_blueprint(views.bp)
    cli.init_app(app)
