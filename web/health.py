"""GET /healthz: whether the database and the search backend answer."""
from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text

from .extensions import runtime


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)


def healthz():  # type: ignore[no-untyped-def]
    report: dict[str, object] = {}
    ok = True
    try:
        with runtime().db.session() as session:
            session.execute(text("SELECT 1"))
        report["database"] = {"status": "ok", "dialect": runtime().db.dialect}
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        ok = False
        report["database"] = {"status": "error", "error": str(exc)[:300]}
    try:
        report["search"] = {"status": "ok", **runtime().search.health()}
    except Exception as exc:  # noqa: BLE001
        ok = False
        report["search"] = {"status": "error", "error": str(exc)[:300]}
    report["status"] = "ok" if ok else "error"
    return jsonify(report), (200 if ok else 503)
