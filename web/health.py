"""GET /healthz: whether the database and the search backend answer.

Anyone (a load balancer) gets the statuses only; the details (index path, sizes, raw error text)
are for logged-in coordinators and admins, since they map the server for an attacker.
"""
from __future__ import annotations

from flask import Flask, jsonify
from flask_login import current_user

from .extensions import runtime


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)


def healthz():  # type: ignore[no-untyped-def]
    report: dict[str, object] = {}
    ok = True
    try:
        runtime().db.ping()
        report["database"] = {"status": "ok", "dialect": runtime().db.dialect}
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        ok = False
        report["database"] = {"status": "error", "error": str(exc)[:300]}
    try:
        report["search"] = {"status": "ok", **runtime().search.health()}
    except Exception as exc:  # noqa: BLE001
        ok = False
        report["search"] = {"status": "error", "error": str(exc)[:300]}
        if "index rebuild" in str(exc):  # a missing or damaged local index: say what fixes it, not where it is
            report["search"]["action"] = "run `flask --app wsgi index rebuild`"  # type: ignore[index]
    report["status"] = "ok" if ok else "error"
    if not _viewer_is_staff():
        report = public_report(report)
    return jsonify(report), (200 if ok else 503)


def _viewer_is_staff() -> bool:
    try:
        return bool(current_user.is_staff)
    except Exception:  # noqa: BLE001 - with the database down nobody can be recognised: public answer
        return False


def public_report(report: dict[str, object]) -> dict[str, object]:
    """Only the statuses and a fixed remedy: no paths, counts or error messages."""
    return {key: ({k: v for k, v in value.items() if k in ("status", "action")} if isinstance(value, dict) else value)
            for key, value in report.items()}
