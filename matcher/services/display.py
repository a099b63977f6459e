"""Honest values for pages: a project's status from its dates, money with its currency and separators.

Sources lie in small ways: CORDIS marks projects that ended in 2012 as "ongoing" (its status is the
one of the data dump's day), and costs arrive as bare numbers. Pages show what the dates say.
"""
from __future__ import annotations

from datetime import date

#: A stored status the dates cannot contradict: the project stopped early.
FINAL_STATUSES = ("terminated", "cancelled")
#: Institute projects' costs are stored in euros (the importer reads CORDIS' total_cost_eur).
PROJECT_CURRENCY = "EUR"


def project_status(stored: str | None, start: date | None, end: date | None, *, call_open: date | None = None,
                   call_close: date | None = None, today: date | None = None) -> str | None:
    """What the dates say today: open call, planned, running or finished; the stored status only as a fallback."""
    today = today or date.today()
    if stored and stored.lower() in FINAL_STATUSES:
        return stored.lower()
    if call_open and call_close and call_open <= today <= call_close:
        return f"call open until {call_close.isoformat()}"
    if end and end < today:
        return f"finished ({end.isoformat()})"
    if start and start > today:
        return f"planned (starts {start.isoformat()})"
    if start and start <= today and (end is None or today <= end):
        return "running" + (f" until {end.isoformat()}" if end else "")
    return stored


def money(amount: float | int | None, currency: str) -> str | None:
    """'EUR 10,947,606' (cents only when there are any); None for no amount."""
    if amount is None:
        return None
    value = float(amount)
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{currency} {text}"
