"""Korean and English: which language a request is answered in, the language switch, locale formatting.

Order of choice: the logged-in user's setting, else the cookie the switch sets, else the browser's
Accept-Language, else English. Mails are rendered in their recipient's language (see `mail_locale`).
Catalogues live in web/translations (`make translations` extracts, updates and compiles them; the
compiled .mo files are committed so a fresh clone needs no extra step).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from babel import numbers as babel_numbers
from flask import (
    Blueprint, Flask, abort, current_app, flash, has_request_context, redirect, render_template, request, url_for,
)
from flask_babel import (
    Babel, force_locale, format_date, format_datetime, format_decimal, format_number, format_percent, get_locale, gettext,
    lazy_gettext,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from matcher.services import accounts

from .extensions import runtime
from .page_text import render_context

#: The interface languages, each named in its own language (as a switch shows them).
LOCALES: dict[str, str] = {"ko": "한국어", "en": "English"}
DEFAULT_LOCALE = "en"
COOKIE = "innobridge_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()
bp = Blueprint("i18n", __name__)


def _known(code: str | None) -> str | None:
    code = (code or "").strip().lower().replace("-", "_").split("_")[0]
    return code if code in LOCALES else None


def select_locale() -> str:
    """The user's setting, else the switch's cookie, else Accept-Language, else English."""
    if not has_request_context():  # a CLI run (digests) chooses per recipient with force_locale
        return DEFAULT_LOCALE
    try:
        chosen = _known(getattr(current_user, "locale", None))
    except Exception:  # noqa: BLE001 - loading the user needs the database; an error page must still render
        chosen = None
    return (chosen or _known(request.cookies.get(COOKIE))
            or request.accept_languages.best_match(list(LOCALES)) or DEFAULT_LOCALE)


def current_locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def mail_locale(email: str | None, fallback: str | None = None) -> str:
    """The language of a mail to `email`: the recipient's own setting when one is on file, else `fallback`
    (the language of the page that caused the mail), else English."""
    known = accounts.locales_for_emails(runtime(), [email]) if email else {}
    return _known(known.get((email or "").strip().lower())) or _known(fallback) or DEFAULT_LOCALE


def mail_locales(emails: Iterable[str]) -> dict[str, str]:
    """Many recipients at once (coordinators of an introduction request): address -> language."""
    addresses = list(emails)
    known = accounts.locales_for_emails(runtime(), addresses)
    return {e: _known(known.get(e.strip().lower())) or DEFAULT_LOCALE for e in addresses}


def _safe_next(target: str | None) -> str:
    """Back to the page the switch was pressed on; only same-site paths (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
                and "\\" not in target:
            return target
    return url_for("public.home")


@bp.post("/language")
def switch() -> Response:
    """The 한국어 / English switch: a cookie for everyone, and the account's setting when logged in."""
    code = _known(request.form.get("locale"))
    if code is None:
        abort(400)
    if current_user.is_authenticated:
        accounts.set_locale(runtime(), int(current_user.id), code)
    response = redirect(_safe_next(request.form.get("next")))
    response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response  # type: ignore[return-value]


class LanguageForm(FlaskForm):
    locale = SelectField(lazy_gettext("Language of pages and emails"),
                         choices=[SelectChoice("", lazy_gettext("As my browser asks"))]
                         + [SelectChoice(code, name) for code, name in LOCALES.items()])


@bp.route("/account/language", methods=["GET", "POST"])
@login_required
def account_language() -> str | Response:
    """The account setting: a language, or none to follow the browser."""
    form = LanguageForm(data={"locale": getattr(current_user, "locale", None) or ""})
    if form.validate_on_submit():
        code = _known(form.locale.data)
        accounts.set_locale(runtime(), int(current_user.id), code)
        response = redirect(url_for("i18n.account_language"))
        if code:
            response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                                secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
        else:
            response.delete_cookie(COOKIE)
        with force_locale(code or select_locale()):
            flash(gettext("Language saved."), "success")
        return response  # type: ignore[return-value]
    return render_template("account/language.html", form=form)


def _date(value: date | datetime | None, format: str = "medium") -> str:  # noqa: A002 - Babel's name
    """A date in the page's language ("2026년 11월 30일" / "Nov 30, 2026"); empty for None."""
    if value is None:
        return ""
    return format_date(value, format)


def _number(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is int:  # counts and page numbers, several a page: Babel's formatting of each kept
        return _int_in(value, get_locale())
    return format_number(value)


@lru_cache(maxsize=4096)
def _int_in(value: int, locale: Any) -> str:
    """Flask-Babel's format_number of an int, for one locale."""
    return babel_numbers.format_decimal(value, locale=locale)


def _decimal(value: Any, format: str | None = None) -> str:  # noqa: A002 - Babel's name
    return "" if value is None else format_decimal(value, format)


def _template_context() -> dict[str, Any]:
    return {"LOCALES": LOCALES, "current_locale": current_locale(), **render_context()}


def init_app(app: Flask) -> None:
    babel.init_app(app, default_locale=DEFAULT_LOCALE, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.context_processor(_template_context)
    app.jinja_env.globals.update(format_date=_date, format_datetime=format_datetime, format_number=_number,
                                 format_decimal=_decimal, format_percent=format_percent)
