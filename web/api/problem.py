"""RFC 9457 problem details: the one error shape of the JSON API."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_TYPE_BASE = "https://innobridge.example.org/problems/"


def problem_response(status: int, detail: str | None = None, *, title: str | None = None,
                     type_: str | None = None, headers: dict[str, str] | None = None,
                     **extra: Any) -> Response:
    """A problem+json response; `type` names the class of error, `instance` the request that hit it."""
    body: dict[str, Any] = {
        "type": type_ or (PROBLEM_TYPE_BASE + str(status)),
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or HTTP_STATUS_CODES.get(status, "Error"),
        "instance": request.path,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
