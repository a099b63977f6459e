"""The Flask application: public site, JSON API, admin panel, researcher pages and digests."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from config.settings import load_config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides the environment (tests pass their database and index here)."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(load_config(None if not config else config.get("INNOBRIDGE_ENV")).as_dict())
    if config:
        app.config.update(config)

    from . import cli, extensions, headers, health, i18n, index_faults, input_guard, labels, mail, security, unavailable
    from . import admin
    from . import researcher
    from . import api, auth, public

    extensions.init_app(app)
    index_faults.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    headers.init_app(app)
    input_guard.init_app(app)
    unavailable.init_app(app)
    mail.init_app(app)
    health.init_app(app)
    cli.init_app(app)
    researcher.init_app(app)
    auth.init_app(app)
    public.init_app(app)
    api.init_app(app)
    admin.init_app(app)
    return app
