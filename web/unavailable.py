"""A database busy past its lock timeout answers 503 with Retry-After, not 500.

A write that waited DATABASE_LOCK_TIMEOUT seconds for another writer (SQLite's single write lock, a
PostgreSQL row or table lock) fails inside its unit of work, which rolls back whole: nothing is
half-written, so the client can simply send the same request again later.
"""
from __future__ import annotations

from flask import Flask, render_template, request
from sqlalchemy.exc import OperationalError

from web.api.problem import problem_response

RETRY_AFTER_SECONDS = 10
#: PostgreSQL SQLSTATEs of a lock wait that gave up: lock_not_available, deadlock_detected.
LOCK_SQLSTATES = ("55P03", "40P01")
MESSAGE = "The database is busy with another change; nothing was saved. Please try again in a few seconds."


def is_lock_timeout(error: OperationalError) -> bool:
    """True for 'database is locked' (SQLite) and a lock or deadlock timeout (PostgreSQL)."""
    if getattr(error.orig, "sqlstate", None) in LOCK_SQLSTATES:
        return True
    return "database is locked" in str(error.orig) or "database table is locked" in str(error.orig)


def handle_operational_error(error: OperationalError):  # type: ignore[no-untyped-def]
    if not is_lock_timeout(error):
        raise error  # anything else stays a logged 500
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        return problem_response(503, MESSAGE, title="Service Unavailable", headers=headers)
    body = render_template("errors/error.html", title="Busy, please retry", message=MESSAGE, code=503)
    return body, 503, headers


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, handle_operational_error)
