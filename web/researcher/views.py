"""Researcher pages: claim a profile, correct expertise, settings, own data, one-click unsubscribe.

Thin views: parse the form, call matcher.services.profiles, render or redirect.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user, login_user, logout_user

from matcher.services import personal_data, profiles
from matcher.services.profiles import ProfileError

from ..extensions import csrf, runtime
from ..i18n import current_locale, mail_locale
from ..labels import core_message
from ..mail import MailError, OutgoingMail, send_mail
from ..mail.digests import public_url
from ..security import hash_password, limiter, fresh_session_user, roles_required
from . import tokens
from .forms import CapabilityForm, ClaimAccountForm, ConfirmForm, DeleteForm, PublicationForm, SettingsForm

bp = Blueprint("researcher", __name__, url_prefix="/me")


def _my_profile_id() -> str:
    """The researcher profile of the logged-in researcher; 404 page if the account is not linked yet."""
    researcher_id = current_user.researcher_id
    if not researcher_id:
        abort(404)
    return str(researcher_id)


@bp.after_request
def _forget_cached_results(response: Response) -> Response:
    """A correction that went through (a POST answered by a redirect) must show in search at once."""
    if request.method == "POST" and response.status_code in (302, 303) and current_user.is_authenticated \
            and current_user.researcher_id:
        from web.public import forget_cached

        forget_cached(str(current_user.researcher_id))
    return response


def _back() -> Response:
    return redirect(url_for("researcher.profile"))  # type: ignore[return-value]


# --------------------------------------------------------------------------- own profile


@bp.get("")
@roles_required("researcher")
def profile() -> Any:
    if not current_user.researcher_id:
        return render_template("researcher/unlinked.html")
    view = profiles.get_profile_view(runtime(), current_user.researcher_id)
    if view is None:
        return render_template("researcher/unlinked.html")
    settings = SettingsForm(data={"digest_frequency": view.digest_frequency,
                                  "recency_half_life": view.recency_half_life,
                                  "regions_of_interest": ", ".join(view.regions_of_interest)})
    return render_template("researcher/profile.html", view=view, settings=settings, form=ConfirmForm())


@bp.get("/capabilities")
@roles_required("researcher")
def capabilities() -> Any:
    _my_profile_id()
    query = request.args.get("q", "")[:100]
    results = profiles.search_capabilities(runtime(), query) if query else []
    return render_template("researcher/capabilities.html", query=query, results=results, form=ConfirmForm())


def _capability_action(action: str) -> Any:
    researcher_id = _my_profile_id()
    form = CapabilityForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if action == "add":
            label = profiles.add_capability(runtime(), researcher_id, form.capability_id.data, current_user.id)
            flash(_("Added “%(label)s” to your expertise.", label=label), "success")
        elif action == "remove":
            profiles.remove_capability(runtime(), researcher_id, form.capability_id.data, current_user.id)
            flash(_("Removed from your expertise. It no longer counts in matching."), "success")
        else:
            profiles.restore_capability(runtime(), researcher_id, form.capability_id.data, current_user.id)
            flash(_("Restored."), "success")
    except ProfileError as exc:
        flash(core_message(exc), "error")
    return _back()


@bp.post("/capabilities/add")
@roles_required("researcher")
def add_capability() -> Any:
    return _capability_action("add")


@bp.post("/capabilities/remove")
@roles_required("researcher")
def remove_capability() -> Any:
    return _capability_action("remove")


@bp.post("/capabilities/restore")
@roles_required("researcher")
def restore_capability() -> Any:
    return _capability_action("restore")


@bp.post("/publications")
@roles_required("researcher")
def set_publication() -> Any:
    researcher_id = _my_profile_id()
    form = PublicationForm()
    if not form.validate_on_submit() or form.excluded.data not in ("0", "1"):
        abort(400)
    try:
        profiles.set_publication_excluded(runtime(), researcher_id, form.document_id.data, form.excluded.data == "1",
                                          current_user.id)
        flash(_("Excluded from your expertise.") if form.excluded.data == "1" else _("Counts again."), "success")
    except ProfileError as exc:
        flash(core_message(exc), "error")
    return _back()


@bp.post("/settings")
@roles_required("researcher")
def settings() -> Any:
    researcher_id = _my_profile_id()
    form = SettingsForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return _back()
    try:
        profiles.update_settings(runtime(), researcher_id, digest_frequency=form.digest_frequency.data or "off",
                                 recency_half_life=form.recency_half_life.data,
                                 regions_of_interest=form.regions_of_interest.data or "", user_id=current_user.id)
        flash(_("Settings saved."), "success")
    except ProfileError as exc:
        flash(core_message(exc), "error")
    return _back()


@bp.get("/data.json")
@roles_required("researcher")
def export_data() -> Any:
    data = personal_data.export_personal_data(runtime(), _my_profile_id())
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="innobridge-my-data.json"',
                             "Cache-Control": "no-store"})


@bp.get("/delete")
@roles_required("researcher")
def delete_confirm() -> Any:
    _my_profile_id()
    return render_template("researcher/delete.html", form=DeleteForm())


@bp.post("/delete")
@roles_required("researcher")
def delete_data() -> Any:
    researcher_id = _my_profile_id()
    form = DeleteForm()
    if not form.validate_on_submit():
        return render_template("researcher/delete.html", form=form), 400
    personal_data.delete_personal_data(runtime(), researcher_id, current_user.id)
    from web.public import forget_cached

    forget_cached(researcher_id)  # before logging out: the after-request hook no longer knows who it was
    logout_user()
    flash(_("Your personal data was deleted and your account closed. Public publications stay listed."), "success")
    return redirect("/")


# --------------------------------------------------------------------------- claim by emailed link


@bp.get("/claim/<researcher_id>")
def claim_start(researcher_id: str) -> Any:
    target = profiles.claim_target(runtime(), researcher_id)
    if target is None:
        abort(404)
    return render_template("researcher/claim_start.html", target=target, has_address=bool(target.email),
                           form=ConfirmForm())


@bp.post("/claim/<researcher_id>")
@limiter.limit("5 per hour")
def claim_request(researcher_id: str) -> Any:
    target = profiles.claim_target(runtime(), researcher_id)
    if target is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if target.email:
        link = public_url("researcher.claim_confirm", token=tokens.claim_token(target.id, target.email))
        with force_locale(mail_locale(target.email, current_locale())):
            mail = OutgoingMail(to=target.email, subject=_("Claim your InnoBridge profile"),
                                text=render_template("mail/claim.txt", name=target.name, link=link),
                                html=render_template("mail/claim.html", name=target.name, link=link))
        try:
            send_mail(mail)
        except MailError:
            flash(_("We could not send the email just now; please try again later."), "error")
            return redirect(url_for("researcher.claim_start", researcher_id=researcher_id))
    # Same answer whether or not an address is on file: the page reveals nothing about it.
    flash(_("If we have an address for this profile, a link valid for 48 hours is on its way."), "success")
    return redirect(url_for("researcher.claim_start", researcher_id=researcher_id))


def _claim_target_from(token: str) -> profiles.ClaimTarget:
    researcher_id = tokens.claim_researcher_id(token)
    target = profiles.claim_target(runtime(), researcher_id) if researcher_id else None
    if target is None or tokens.read_claim_token(token, target.email) != target.id:
        abort(400, description=_("This claim link is invalid or has expired. Ask for a new one."))
    return target


@bp.get("/claim/confirm/<token>")
def claim_confirm(token: str) -> Any:
    target = _claim_target_from(token)
    existing = bool(target.email) and profiles.account_exists_for(runtime(), target.email or "")
    return render_template("researcher/claim_confirm.html", target=target, token=token, existing_account=existing,
                           form=ConfirmForm(), account_form=ClaimAccountForm())


@bp.post("/claim/confirm/<token>")
def claim_complete(token: str) -> Any:
    target = _claim_target_from(token)
    if current_user.is_authenticated:
        if not ConfirmForm().validate_on_submit():
            abort(400)
        result = profiles.claim_profile(runtime(), target.id, current_user.id)
        messages = {
            "claimed": (_("This profile is now yours."), "success"),
            "already_yours": (_("This profile is already yours."), "success"),
            "claimed_by_other": (_("Another account has already claimed this profile; contact a coordinator."),
                                 "error"),
            "linked_elsewhere": (_("Your account already manages another profile."), "error"),
            "not_researcher": (_("Log in with a researcher account to claim a profile."), "error"),
        }
        flash(*messages[result])
        if result in ("claimed", "already_yours"):
            return _back()
        return redirect(url_for("researcher.claim_confirm", token=token))
    form = ClaimAccountForm()
    if not form.validate_on_submit():
        return render_template("researcher/claim_confirm.html", target=target, token=token, existing_account=False,
                               form=ConfirmForm(), account_form=form), 400
    user_id = profiles.create_claiming_account(runtime(), target.id, hash_password(form.password.data or ""))
    if user_id is None:
        flash(_("An account already uses this address: log in, then open the link again."), "error")
        return redirect(url_for("researcher.claim_confirm", token=token))
    user = fresh_session_user(user_id)
    if user is not None:
        login_user(user)
    flash(_("Your account is ready and the profile is yours."), "success")
    return _back()


# --------------------------------------------------------------------------- one-click unsubscribe (RFC 8058)


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str) -> Any:
    if tokens.read_unsubscribe_token(token) is None:
        abort(400, description=_("This unsubscribe link is not valid."))
    return render_template("researcher/unsubscribe.html", token=token, done=False)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str) -> Any:
    """Authenticated by the signed token, not a session: mail clients POST here without cookies."""
    researcher_id = tokens.read_unsubscribe_token(token)
    if researcher_id is None or not profiles.unsubscribe(runtime(), researcher_id):
        abort(400, description=_("This unsubscribe link is not valid."))
    return render_template("researcher/unsubscribe.html", token=token, done=True)
