"""Saved-search alert rendering and delivery, with RFC 8058 one-click unsubscribe like the digests."""
from __future__ import annotations

from matcher.services.saved_searches import Alert

from . import OutgoingMail, send_mail
from .digests import public_url

KIND_NAMES = {"researcher": "Researcher", "lab": "Lab", "equipment": "Equipment", "project": "Institute project"}


def render_alert(alert: Alert) -> OutgoingMail:
    from web.public.saved import unsubscribe_token

    unsubscribe = public_url("public.alert_unsubscribe", token=unsubscribe_token(alert.saved_search_id))
    lines = [f"New matches for your saved search on InnoBridge: \"{alert.query}\"", ""]
    for item in alert.items:
        lines.append(f"- {item.name} ({KIND_NAMES.get(item.kind, item.kind)})")
        lines.append(f"  {public_url('public.entity', entity_id=item.entity_id)}")
    lines += ["", f"Your saved searches: {public_url('public.saved_search_list')}",
              f"Stop these alerts with one click: {unsubscribe}", ""]
    count = len(alert.items)
    return OutgoingMail(
        to=alert.email, subject=f"InnoBridge: {count} new match{'es' if count != 1 else ''} for \"{alert.query[:60]}\"",
        text="\n".join(lines),
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Auto-Submitted": "auto-generated", "Precedence": "bulk"},
    )


def deliver_alert(alert: Alert) -> str:
    """MailError propagates: the alert's items stay pending for the next run."""
    return send_mail(render_alert(alert))
