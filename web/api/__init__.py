"""JSON API under /api/v1: search, entities, problems and their matches.

Reads are open (private problems only with the owner's or a coordinator's token); writes need
`Authorization: Bearer <token>`. No session cookies are read here, so CSRF does not apply.
Every error is an RFC 9457 problem+json document.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, g, jsonify, request, url_for
from flask import Response

from matcher.regions import normalise_region
from matcher.services import problems, requests
from matcher.text import trim
from web.extensions import csrf, runtime
from web.security import SessionUser, limiter, user_from_token

from .openapi import openapi_document
from .problem import problem_response
from .serializers import match_json, problem_json, profile_json, request_json, search_item_json, team_json

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("api", __name__, url_prefix="/api/v1")
API_KINDS = ("researcher", "lab", "equipment", "project", "organization")
MAX_LIMIT = 50


class ApiError(Exception):
    """Raised inside API views; turned into problem+json by the blueprint."""

    def __init__(self, status: int, detail: str, title: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.title = status, detail, title


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="innobridge"'} if error.status == 401 else None
    return problem_response(error.status, error.detail, title=error.title, headers=headers)


def api_user() -> SessionUser | None:
    """The token's user; a malformed or unknown token is a 401, never silently anonymous."""
    if "api_user" in g:
        return g.api_user  # type: ignore[no-any-return]
    header = request.headers.get("Authorization", "")
    user = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "use 'Authorization: Bearer <token>'", "Unauthorized")
        user = user_from_token(token.strip())
        if user is None:
            raise ApiError(401, "the API token is invalid or revoked", "Unauthorized")
    g.api_user = user
    return user


def api_viewer() -> problems.Viewer:
    user = api_user()
    return problems.Viewer(int(user.id), user.role) if user is not None else problems.Viewer()


def token_required(*roles: str) -> Callable[[F], F]:
    """Writes need a token of one of `roles`: none -> 401, wrong role -> 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = api_user()
            if user is None:
                raise ApiError(401, "this operation needs an API token", "Unauthorized")
            if roles and user.role not in roles:
                raise ApiError(403, "your role may not do this", "Forbidden")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"'{name}' must be an integer", "Bad Request") from None
    if not low <= value <= high:
        raise ApiError(400, f"'{name}' must be between {low} and {high}", "Bad Request")
    return value


def _search_limit() -> str:
    from flask import current_app

    return str(current_app.config.get("SEARCH_RATE_LIMIT", "60 per minute"))


@bp.get("/search")
@limiter.limit(_search_limit)
def search() -> Response:
    raw_q = request.args.get("q") or ""
    if len(raw_q) > 1000:  # the length as sent, as the OpenAPI file states it: not after stripping
        raise ApiError(400, "'q' is limited to 1000 characters", "Bad Request")
    q = trim(raw_q)
    if not q:
        raise ApiError(400, "the query parameter 'q' is required", "Bad Request")
    kind = request.args.get("kind")
    if kind is not None and kind not in API_KINDS:
        raise ApiError(400, f"'kind' must be one of {', '.join(API_KINDS)}", "Bad Request")
    region = normalise_region(request.args.get("region"))
    limit = _int_arg("limit", 10, 1, MAX_LIMIT)
    page = _int_arg("page", 1, 1, 1000)
    want_team = request.args.get("team", "0")
    if want_team not in ("0", "1"):
        raise ApiError(400, "'team' must be 0 or 1", "Bad Request")
    from matcher.search.base import BackendUnavailable
    from matcher.services import team
    from matcher.services.matching import match

    try:
        result = match(runtime(), q, kinds=(kind,) if kind else None, regions=(region,) if region else None,
                       limit=limit, offset=(page - 1) * limit)
        suggested = team.suggest(runtime(), q, regions=(region,) if region else None) if want_team == "1" else None
    except BackendUnavailable:
        raise ApiError(503, "the search index is missing or unreadable; an operator must run "
                       "`flask --app wsgi index rebuild`", "Service Unavailable") from None
    body: dict[str, Any] = {"results": [search_item_json(m) for m in result.matches], "total": int(result.total)}
    if want_team == "1":
        body["team"] = team_json(suggested)
    return jsonify(body)


@bp.get("/entities/<entity_id>")
def entity(entity_id: str) -> Response:
    from matcher.services.entities import get_profile

    profile = get_profile(runtime(), entity_id)
    if profile is None:
        from flask import redirect

        from matcher.services.duplicates import survivor

        kept = survivor(runtime(), entity_id)
        if kept is not None:  # merged into another record: its old URL keeps working
            return redirect(url_for("api.entity", entity_id=kept), 308)  # type: ignore[return-value]
        raise ApiError(404, f"no entity {entity_id}", "Not Found")
    return jsonify(profile_json(entity_id, profile))


@bp.get("/problems")
def list_problems() -> Response:
    limit = _int_arg("limit", 20, 1, MAX_LIMIT)
    page = _int_arg("page", 1, 1, 10_000)
    mine = request.args.get("mine", "0")
    if mine not in ("0", "1"):
        raise ApiError(400, "'mine' must be 0 or 1", "Bad Request")
    items, total = problems.list_problems(runtime(), api_viewer(), mine=mine == "1",
                                          limit=limit, offset=(page - 1) * limit)
    return jsonify({"results": [problem_json(p) for p in items], "total": total})


@bp.get("/requests")
@token_required()
def my_requests() -> Response:
    """The caller's own requests and offers; nobody else's are ever read."""
    items = requests.my_requests(runtime(), api_viewer())
    return jsonify({"results": [request_json(r) for r in items], "total": len(items)})


@bp.post("/problems")
@token_required(*problems.POSTER_ROLES)
def create_problem() -> tuple[Response, int, dict[str, str]]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "send a JSON object (Content-Type: application/json)", "Bad Request")
    unknown = set(body) - {"title", "text", "region", "budget", "timeline", "trl", "visibility"}
    if unknown:
        raise ApiError(422, f"unknown fields: {', '.join(sorted(unknown))}", "Unprocessable Content")
    for name in ("title", "text", "region", "budget", "timeline", "visibility"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise ApiError(422, f"'{name}' must be a string", "Unprocessable Content")
    trl = body.get("trl")
    if isinstance(trl, float) and trl.is_integer():
        trl = int(trl)  # JSON Schema counts 5.0 as an integer
    if trl is not None and (not isinstance(trl, int) or isinstance(trl, bool)):
        raise ApiError(422, "'trl' must be an integer from 1 to 9", "Unprocessable Content")
    user = api_user()
    assert user is not None
    data = problems.ProblemInput(
        title=body.get("title") or "", text=body.get("text") or "", region=body.get("region"),
        budget=body.get("budget"), timeline=body.get("timeline"), trl=trl,
        visibility=body.get("visibility") or "private",
    )
    try:
        posted = problems.post_problem(runtime(), int(user.id), data, organization_id=user.organization_id)
    except problems.ProblemError as exc:
        raise ApiError(422, str(exc), "Unprocessable Content") from None
    location = url_for("api.get_problem", problem_id=posted.id)
    return jsonify(problem_json(posted)), 201, {"Location": location}


@bp.get("/problems/<problem_id>")
def get_problem(problem_id: str) -> Response:
    try:
        item = problems.get_problem(runtime(), problem_id, api_viewer())
    except problems.NotVisible:
        raise ApiError(404, f"no problem {problem_id}", "Not Found") from None
    return jsonify(problem_json(item))


@bp.get("/problems/<problem_id>/matches")
def problem_matches(problem_id: str) -> Response:
    try:
        items = problems.list_matches(runtime(), problem_id, api_viewer())
    except problems.NotVisible:
        raise ApiError(404, f"no problem {problem_id}", "Not Found") from None
    except problems.Forbidden as exc:
        raise ApiError(403, str(exc), "Forbidden") from None
    return jsonify({"results": [match_json(m) for m in items], "total": len(items)})


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
