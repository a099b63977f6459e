"""Refuse request input no layer below can store or parse, before any view runs.

PostgreSQL rejects NUL characters in text and every UTF-8 encoder rejects lone surrogates (which JSON
escapes such as "\\ud800" produce), so either one reaching the database would be a 500 deep inside a
view. Deeply nested JSON exhausts Python's recursion while parsing. Each is answered here with a 400
(422 for a JSON body the API would otherwise accept) that names what was wrong.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, abort, request

MAX_JSON_DEPTH = 64


def bad_text(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not a valid Unicode character)"
    return None


def _json_strings(value: Any) -> Iterator[tuple[str, str]]:
    """(field, string) for every key and string in a parsed JSON value, without recursion."""
    stack: list[tuple[str, Any, int]] = [("body", value, 0)]
    while stack:
        where, item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            abort(400, description=f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, child in item.items():
                yield where, key
                stack.append((str(key) if depth == 0 else where, child, depth + 1))
        elif isinstance(item, list):
            stack.extend((where, child, depth + 1) for child in item)


def _check(pairs: Iterable[tuple[str, str]], status: int) -> None:
    for name, value in pairs:
        reason = bad_text(value)
        if reason:
            abort(status, description=f"'{name}' {reason}; remove it and send again")


def refuse_unstorable_input() -> None:
    """A before_request hook: path, query string, form fields and JSON strings must be storable text."""
    _check([("path", request.path)], 400)
    _check(request.args.items(multi=True), 400)
    _check(((f"{name} (parameter name)", name) for name in request.args), 400)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == "application/x-www-form-urlencoded":
        _check(request.form.items(multi=True), 400)
    if request.method in ("POST", "PUT", "PATCH") and request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            abort(400, description="the JSON body is nested too deeply to be read")
        _check(_json_strings(body), 422)


def init_app(app: Flask) -> None:
    app.before_request(refuse_unstorable_input)
