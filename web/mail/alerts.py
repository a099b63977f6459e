"""Saved-search alert rendering and delivery, with RFC 8058 one-click unsubscribe like the digests."""
from __future__ import annotations

from flask_babel import force_locale, gettext as _, ngettext

from matcher.services.saved_searches import Alert

from ..i18n import mail_locale
from ..labels import KIND_LABELS
from . import OutgoingMail, send_mail
from .digests import public_url


def render_alert(alert: Alert) -> OutgoingMail:
    """The alert in its recipient's language (their account setting, else English)."""
    from web.public.saved import unsubscribe_token

    unsubscribe = public_url("public.alert_unsubscribe", token=unsubscribe_token(alert.saved_search_id))
    with force_locale(mail_locale(alert.email)):
        lines = [_('New matches for your saved search on InnoBridge: "%(query)s"', query=alert.query), ""]
        for item in alert.items:
            lines.append(f"- {item.name} ({KIND_LABELS.get(item.kind, item.kind)})")
            lines.append(f"  {public_url('public.entity', entity_id=item.entity_id)}")
        lines += ["", _("Your saved searches: %(url)s", url=public_url("public.saved_search_list")),
                  _("Stop these alerts with one click: %(url)s", url=unsubscribe), ""]
        subject = ngettext('InnoBridge: %(num)s new match for "%(query)s"',
                           'InnoBridge: %(num)s new matches for "%(query)s"', len(alert.items),
                           query=alert.query[:60])
    return OutgoingMail(
        to=alert.email, subject=subject, text="\n".join(lines),
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Auto-Submitted": "auto-generated", "Precedence": "bulk"},
    )


def deliver_alert(alert: Alert) -> str:
    """MailError propagates: the alert's items stay pending for the next run."""
    return send_mail(render_alert(alert))
