"""Accounts on the site: register, log in and out, reset a forgotten password; plus the `users` CLI."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from matcher.services import accounts
from web.extensions import runtime
from web.i18n import current_locale
from web.labels import sentence
from web.mail import MailError, OutgoingMail, send_mail
from web.security import SessionUser, hash_password, limiter, verify_password

from .forms import LoginForm, ResetPasswordForm, ResetRequestForm
from .tokens import make_reset_token, read_reset_token

bp = Blueprint("auth", __name__, url_prefix="/auth")

# Verified when the email is unknown, so a login answers as slowly for strangers as for users.
_DUMMY_HASH: str | None = None


def _login_limit() -> str:
    return str(current_app.config.get("LOGIN_RATE_LIMIT", "10 per minute"))


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: an open redirect would make phishing links look like ours."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
                and "\\" not in target and target.isprintable():  # no CR/LF: it becomes a header
            return target
    return url_for("public.home")


def _start_session(account: accounts.Account) -> None:
    session.clear()  # a fresh session on login: no fixation of a pre-login session
    login_user(SessionUser(account))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    global _DUMMY_HASH
    form = LoginForm()
    if form.validate_on_submit():
        account = accounts.find_by_email(runtime(), form.email.data or "")
        if account is None:
            _DUMMY_HASH = _DUMMY_HASH or hash_password("not-a-real-password")
            verify_password(_DUMMY_HASH, form.password.data or "")
        elif account.active and verify_password(account.password_hash, form.password.data or ""):
            _start_session(account)
            flash(_("Welcome back."), "success")
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Unknown email or wrong password."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        accounts.end_sessions(runtime(), int(current_user.id))  # a copied cookie dies with this one
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.home"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        account = accounts.find_by_email(runtime(), form.email.data or "")
        if account is not None and account.active:
            link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
                "auth.reset_password", token=make_reset_token(account))
            minutes = int(current_app.config.get("PASSWORD_RESET_MAX_AGE", 3600)) // 60
            with force_locale(account.locale or current_locale()):
                mail = OutgoingMail(to=account.email, subject=_("Reset your InnoBridge password"),
                                    text=render_template("auth/reset_email.txt", link=link, minutes=minutes))
            try:
                send_mail(mail)
            except MailError:
                current_app.logger.exception("password reset mail to user %s failed", account.id)
        # Same answer whether or not the address is known: no account enumeration.
        flash(_("If this address has an account, a reset link is on its way."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    account = read_reset_token(token)
    if account is None:
        flash(_("This reset link is invalid, expired or already used. Ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password_hash(runtime(), account.id, hash_password(form.password.data or ""))
        logout_user()
        session.clear()
        flash(_("Your password was changed; log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


def init_app(app: Flask) -> None:
    # Secure cookie defaults; settings (and ProdConfig) may already have stricter values.
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", bool(app.config.get("SESSION_COOKIE_SECURE")))
    from . import cli, registration  # noqa: F401 - registration adds its routes to bp

    app.register_blueprint(bp)

    cli.init_app(app)
