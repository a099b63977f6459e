"""Page numbers from the query string, bounded before they reach an OFFSET (SQLite overflows past 2^63)."""
from __future__ import annotations

from flask import abort, request

MAX_PAGE = 10_000


def page_arg(name: str = "page", max_page: int = MAX_PAGE) -> int:
    """The 1-based page asked for; missing or empty means 1, anything else out of 1..max_page is a 400."""
    raw = request.args.get(name, "")
    if raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= max_page):
        abort(400, description=f"'{name}' must be a whole number from 1 to {max_page:,}")
    return int(raw)
