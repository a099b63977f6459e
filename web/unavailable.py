"""Database errors a request caused: a lock timeout answers 503 with Retry-After, a value the column
cannot hold (an id past 2^31 on PostgreSQL, past 2^63 on SQLite) 400; neither is a 500.

A write that waited DATABASE_LOCK_TIMEOUT seconds for another writer (SQLite's single write lock, a
PostgreSQL row or table lock) fails inside its unit of work, which rolls back whole: nothing is
half-written, so the client can simply send the same request again later.
"""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, OperationalError

from web.api.problem import problem_response
from web.labels import N_

RETRY_AFTER_SECONDS = 10
#: PostgreSQL SQLSTATEs of a lock wait that gave up: lock_not_available, deadlock_detected.
LOCK_SQLSTATES = ("55P03", "40P01")
MESSAGE = N_("The database is busy with another change; nothing was saved. Please try again in a few seconds.")
OUT_OF_RANGE = N_("A number or value in the request is out of range.")


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
        return problem_response(503, _(MESSAGE), title="Service Unavailable", headers=headers)
    body = render_template("errors/error.html", title=_("Busy, please retry"), message=_(MESSAGE), code=503)
    return body, 503, headers


def handle_out_of_range(error: Exception):  # type: ignore[no-untyped-def]
    """SQLSTATE class 22 (data exception) from PostgreSQL, OverflowError from SQLite's driver."""
    if isinstance(error, DataError) and not str(getattr(error.orig, "sqlstate", "") or "").startswith("22"):
        raise error
    detail = _(OUT_OF_RANGE)
    if request.path.startswith("/api/"):
        return problem_response(400, detail, title="Bad Request")
    return render_template("errors/error.html", title=_("Bad request"), message=detail, code=400), 400


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(DataError, handle_out_of_range)
    app.register_error_handler(OverflowError, handle_out_of_range)
