"""A missing or unreadable search index is a 503 everywhere (pages, problem posting, API), never a 500,
and a server started over a lost index refuses to serve an empty one (matcher.search.guard)."""
from __future__ import annotations

import logging

from flask import Flask
from werkzeug.exceptions import ServiceUnavailable

from matcher.search import BackendUnavailable
from matcher.index_check import guard_missing_index

from .public.errors import handle_http_error

log = logging.getLogger(__name__)

#: What users and API clients read; the log keeps the backend's own message (with paths).
DETAIL = ("The search index is missing or unreadable; an operator must run `flask --app wsgi index rebuild`. "
          "Please try again later.")


def handle_unavailable(error: BackendUnavailable):  # type: ignore[no-untyped-def]
    log.error("search backend unavailable: %s", error)
    return handle_http_error(ServiceUnavailable(DETAIL))


def init_app(app: Flask) -> None:
    app.register_error_handler(BackendUnavailable, handle_unavailable)
    guard_missing_index(app.extensions["innobridge"])
