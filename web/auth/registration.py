"""Registration by emailed link: the answer never tells whether an address already has an account.

The form's answer is the same for every address; the mailbox gets either the link that creates the
account or, when the address is taken, a note to its owner. The password is hashed in both cases so
the timing does not tell them apart either.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale, gettext as _
from werkzeug.wrappers import Response

from matcher.services import accounts
from web.extensions import runtime
from web.i18n import current_locale
from web.mail import MailError, OutgoingMail, send_mail
from web.security import hash_password, verify_password

from . import _start_session, bp
from .forms import ConfirmRegistrationForm, RegisterForm
from .tokens import REGISTRATION_MAX_AGE, make_registration_token, read_registration_token

def _site_link(endpoint: str, **values: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _mail(to: str, subject: str, template: str, **context: object) -> None:
    try:
        send_mail(OutgoingMail(to=to, subject=subject, text=render_template(template, **context)))
    except MailError:
        current_app.logger.exception("registration mail failed")


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit():
        email = accounts.normalize_email(form.email.data or "")
        role = form.role.data if form.role.data in accounts.SELF_SERVICE_ROLES else "sme"
        password_hash = hash_password(form.password.data or "")
        existing = accounts.find_by_email(runtime(), email)
        if existing is None:
            token = make_registration_token(email, role, (form.display_name.data or "").strip() or None, password_hash)
            _mail(email, _("Finish creating your InnoBridge account"), "auth/register_email.txt",
                  link=_site_link("auth.register_confirm", token=token), hours=REGISTRATION_MAX_AGE // 3600)
        else:
            with force_locale(existing.locale or current_locale()):  # the owner reads it in their language
                _mail(email, _("Your InnoBridge account"), "auth/account_exists_email.txt",
                      login=_site_link("auth.login"), reset=_site_link("auth.reset_request"))
        flash(_("We sent a message to %(email)s: follow it to finish creating your account.", email=email), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/register/<token>", methods=["GET", "POST"])
def register_confirm(token: str) -> str | Response:
    pending = read_registration_token(token)
    if pending is None:
        flash(_("This link is invalid or expired. Register again."), "error")
        return redirect(url_for("auth.register"))
    form = ConfirmRegistrationForm()
    if form.validate_on_submit():
        if not verify_password(str(pending["ph"]), form.password.data or ""):
            flash(_("This is not the password you chose when registering."), "error")
            return render_template("auth/register_confirm.html", form=form, email=pending["email"])
        try:
            account = accounts.create_user(runtime(), str(pending["email"]), str(pending["ph"]), str(pending["role"]),
                                           display_name=pending.get("name"))
        except accounts.AccountError:
            flash(_("This account already exists: log in."), "success")
            return redirect(url_for("auth.login"))
        _start_session(account)
        flash(_("Your account is ready."), "success")
        return redirect(url_for("public.my_problems") if account.role == "sme" else url_for("public.home"))
    return render_template("auth/register_confirm.html", form=form, email=pending["email"])
