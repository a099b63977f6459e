"""Digest rendering and delivery: turns a matcher Digest into one message with RFC 8058 unsubscribe headers."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _, ngettext

from matcher.services import accounts
from matcher.services.digest_sending import Envelope
from matcher.services.digests import Digest

from ..extensions import runtime
from ..i18n import DEFAULT_LOCALE, mail_locale
from . import OutgoingMail, send_mail


def public_url(endpoint: str, **values: str) -> str:
    """An absolute link on the public site, from PUBLIC_BASE_URL (the CLI has no request to borrow a host from)."""
    parts = urlsplit(str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/"))
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def site_link(path: str) -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path


def subject_for(digest: Digest) -> str:
    """In the language of the current locale (render_digest sets the recipient's)."""
    problems = sum(1 for i in digest.items if i.kind == "problem")
    projects = len(digest.items) - problems
    parts = []
    if problems:
        parts.append(ngettext("%(num)s new problem", "%(num)s new problems", problems))
    if projects:
        parts.append(ngettext("%(num)s new project", "%(num)s new projects", projects))
    items = _("%(first)s and %(second)s", first=parts[0], second=parts[1]) if len(parts) == 2 else "".join(parts)
    return _("InnoBridge: %(items)s matching your expertise", items=items)


def digest_locale(digest: Digest) -> str:
    """The recipient's language: their account's setting, else the one of an account with their address."""
    chosen = accounts.researcher_locale(runtime(), digest.researcher_id)
    return chosen or mail_locale(digest.email, DEFAULT_LOCALE)


def render_digest(digest: Digest, envelope: Envelope | None = None) -> OutgoingMail:
    """The paired text and HTML bodies plus List-Unsubscribe headers (one-click, no login needed)."""
    from web.researcher.tokens import unsubscribe_token

    unsubscribe = public_url("researcher.unsubscribe", token=unsubscribe_token(digest.researcher_id))
    context = {
        "digest": digest,
        "unsubscribe_url": unsubscribe,
        "profile_url": public_url("researcher.profile"),
        "link": site_link,
    }
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
    }
    if envelope is not None:
        headers["Message-ID"] = envelope.message_id
        headers["X-InnoBridge-Digest"] = envelope.period_key
    with force_locale(digest_locale(digest)):
        return OutgoingMail(
            to=digest.email or "",
            subject=subject_for(digest),
            text=render_template("mail/digest.txt", **context),
            html=render_template("mail/digest.html", **context),
            headers=headers,
        )


def deliver_digest(digest: Digest, envelope: Envelope) -> str:
    """Hand one digest to the configured mail provider; MailError propagates so the log row is marked failed."""
    if not digest.email:
        raise ValueError(f"researcher {digest.researcher_id} has no email address")
    return send_mail(render_digest(digest, envelope))
