"""Per-app singletons: the core Runtime, CSRF protection and the login manager (the rate limiter is web.security's)."""
from __future__ import annotations

from flask import Flask, current_app
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from matcher.runtime import Runtime

csrf = CSRFProtect()
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set")
    app.extensions["innobridge"] = Runtime(app.config)
    csrf.init_app(app)


def runtime() -> Runtime:
    """The Runtime of the current app: the only door from a view to the core."""
    return current_app.extensions["innobridge"]
