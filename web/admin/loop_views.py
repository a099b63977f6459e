"""The loop's pages around the panel: the coordinator's list of open requests, and the firm's own consent."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matcher.services import curation, duplicates, merging, requests
from matcher.services.outcomes import NotFound

from ..extensions import runtime
from .forms import ActionForm, MergeForm
from .views import _page, _uid, bp

consent_bp = Blueprint("consent", __name__)


@bp.get("/requests")
def requests_page() -> str:
    page = _page()
    items, total = requests.open_requests(runtime(), limit=50, offset=(page - 1) * 50)
    return render_template("admin/requests.html", items=items, total=total, page=page, per_page=50)


@bp.get("/data/<kind>/duplicates")
def duplicates_page(kind: str) -> str:
    if kind not in merging.KINDS:
        abort(404)
    return render_template("admin/duplicates.html", kind=kind, suspects=duplicates.suspects(runtime(), kind))


@bp.get("/data/<kind>/merge/confirm")
def merge_confirm(kind: str) -> str:
    """Both records side by side before a merge that cannot be undone."""
    if kind not in merging.KINDS:
        abort(404)
    keep = merging.get_record(runtime(), kind, request.args.get("keep_id", ""))
    other = merging.get_record(runtime(), kind, request.args.get("merge_id", ""))
    if keep is None or other is None:
        abort(404)
    return render_template("admin/merge_confirm.html", kind=kind, keep=keep, other=other, form=MergeForm())


# --- the firm's own consent (outside /admin: the owner is not staff) -------------------------------------

@consent_bp.post("/matches/<int:match_id>/consent")
@login_required
def owner_consent(match_id: int) -> Any:
    """The problem's owner agrees to be introduced to this partner (needed for anonymous problems)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    consented = request.form.get("consented", "1") == "1"
    try:
        curation.record_consent(runtime(), match_id, _uid(), current_user.role, consented)
        problem_id = curation.problem_of(runtime(), match_id)
    except NotFound:
        abort(404)
    except PermissionError:
        abort(403)
    flash(_("Thank you: the coordinator may now introduce you.") if consented else _("Consent withdrawn."), "success")
    if request.form.get("return_to") == "requests":
        return redirect(url_for("public.my_requests"))
    return redirect(url_for("public.problem", problem_id=problem_id))
