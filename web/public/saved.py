"""Saved searches on the public site: keep a search, list and stop them, one-click unsubscribe from an alert.

Forms are CSRF-checked by the app-wide CSRFProtect; only the one-click unsubscribe is exempt (signed token).
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from matcher.services import problems, saved_searches
from web.extensions import csrf, runtime
from web.labels import sentence
from web.security import roles_required

from . import bp, parse_search_args

UNSUBSCRIBE_SALT = "innobridge.saved-search-unsubscribe"


def unsubscribe_token(search_id: int) -> str:
    """Does not expire: the link in an old alert must keep working."""
    from flask import current_app

    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt=UNSUBSCRIBE_SALT).dumps({"s": search_id})


def _read_token(token: str) -> int | None:
    from flask import current_app

    try:
        data = URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    value = data.get("s") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


@bp.post("/searches")
@roles_required(*problems.POSTER_ROLES)
def save_search() -> Response:
    params = parse_search_args(request.form)
    try:
        saved_searches.save(runtime(), int(current_user.id), params.q, params.kind, params.region)
    except saved_searches.SavedSearchError as exc:
        flash(sentence(exc), "error")
    else:
        flash(_("Search saved: we will email you when new partners, equipment or projects match it."), "success")
    return redirect(url_for("public.saved_search_list"))


@bp.get("/searches")
@roles_required(*problems.POSTER_ROLES)
def saved_search_list() -> str:
    return render_template("public/saved_searches.html", items=saved_searches.list_for(runtime(), int(current_user.id)))


@bp.post("/searches/<int:search_id>/stop")
@roles_required(*problems.POSTER_ROLES)
def stop_saved_search(search_id: int) -> Response:
    if not saved_searches.set_active(runtime(), search_id, False, user_id=int(current_user.id)):
        abort(404)
    flash(_("Alerts for this search stopped."), "success")
    return redirect(url_for("public.saved_search_list"))


@bp.get("/alerts/unsubscribe/<token>")
def alert_unsubscribe_page(token: str) -> Any:
    if _read_token(token) is None:
        abort(400, description=_("This unsubscribe link is not valid."))
    return render_template("public/alert_unsubscribe.html", token=token, done=False)


@bp.post("/alerts/unsubscribe/<token>")
@csrf.exempt
def alert_unsubscribe(token: str) -> Any:
    """RFC 8058 one-click: authenticated by the signed token, mail clients POST here without cookies."""
    search_id = _read_token(token)
    if search_id is None or not saved_searches.set_active(runtime(), search_id, False):
        abort(400, description=_("This unsubscribe link is not valid."))
    return render_template("public/alert_unsubscribe.html", token=token, done=True)
