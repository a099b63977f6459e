"""Error pages: HTML for the site, RFC 9457 problem+json under /api/."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from web.api.problem import problem_response

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    401: (_l("Please log in"), _l("You need to log in to see this page.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("There is nothing here, or it is not visible to you.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    429: (_l("Too many requests"), _l("You are going a little fast. Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened on our side; it has been logged.")),
    503: (_l("Temporarily unavailable"), _l("Search is unavailable right now. Please try again in a few minutes.")),
}


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    code = error.code or 500
    title, message = (str(t) for t in MESSAGES.get(code, (error.name, error.description or "")))
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    if wants_problem_json():
        detail = error.description if code not in (500,) else message
        return problem_response(code, detail, title=title, headers=headers)
    try:
        body = render_template("errors/error.html", title=title, message=message, code=code)
    except Exception:  # noqa: BLE001 - the error page itself must not fail (e.g. database down)
        body = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>"
    return body, code, headers


def handle_server_error(error: InternalServerError):  # type: ignore[no-untyped-def]
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
