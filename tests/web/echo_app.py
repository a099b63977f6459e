"""A WSGI app that answers the `q` parameter it received: what tests/web/test_request_line.py puts gunicorn in front of."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    q = parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [q.encode("utf-8")]
