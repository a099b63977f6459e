"""The public site: search with evidence, entity profiles, problems and introduction requests."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.regions import normalise_region
from matcher.services import accounts, problems
from web.extensions import runtime
from web.mail import MailError, OutgoingMail, send_mail
from web.security import limiter, roles_required

from . import errors
from .forms import IntroductionForm, ProblemForm
from .highlight import highlight
from .result_cache import ResultCache

bp = Blueprint("public", __name__)

PER_PAGE = 10
MAX_PAGE = 50
SEARCH_KINDS = ("researcher", "lab", "equipment", "project", "organization")
KIND_LABELS = {"researcher": "Researcher", "lab": "Lab", "equipment": "Equipment", "project": "Institute project",
               "organization": "Organisation"}
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("partners", "Research partners", ("researcher", "lab")),
    ("equipment", "Equipment", ("equipment",)),
    ("projects", "Institute projects", ("project",)),
    ("organizations", "Firms and organisations", ("organization",)),
)


GROUP_KINDS = {key: kinds for key, _, kinds in GROUPS}
OVERVIEW_SIZE = 4


def search_limit() -> str:
    return str(current_app.config.get("SEARCH_RATE_LIMIT", "60 per minute"))


def viewer() -> problems.Viewer:
    """The current visitor as the core's visibility rules understand it."""
    if current_user.is_authenticated:
        return problems.Viewer(user_id=int(current_user.id), role=current_user.role)
    return problems.Viewer()


@dataclass(frozen=True)
class SearchParams:
    q: str
    kind: str | None
    region: str | None
    capabilities: tuple[str, ...]
    page: int


def parse_search_args(args: Any) -> SearchParams:
    """Read the query string defensively: unknown kinds are dropped, pages are clamped."""
    q = (args.get("q") or "").strip()[:1000]
    kind = args.get("kind") or None
    if kind not in SEARCH_KINDS and kind not in GROUP_KINDS:
        kind = None
    region = normalise_region(args.get("region"))
    caps = tuple(dict.fromkeys(c.strip()[:128] for c in args.getlist("capability") if c.strip()))[:20]
    try:
        page = min(MAX_PAGE, max(1, int(args.get("page", 1))))
    except ValueError:
        page = 1
    return SearchParams(q=q, kind=kind, region=region, capabilities=caps, page=page)


def _kinds(kind: str | None) -> tuple[str, ...] | None:
    """A single kind, a group of kinds ("partners"), or None for all."""
    if kind is None:
        return None
    return GROUP_KINDS.get(kind, (kind,))


def _cache(app: Flask) -> ResultCache:
    return app.extensions["search_results"]


def run_overview(params: SearchParams) -> dict[str, Any]:
    """The best few of every result group, ranked in one pass; an unavailable backend is a 503."""
    from matcher.search.base import BackendUnavailable
    from matcher.services.matching import match_groups

    try:
        return _cache(current_app).get_or_compute(
            ("overview", params.q, params.region, params.capabilities),
            lambda: match_groups(runtime(), params.q, GROUP_KINDS, per_group=OVERVIEW_SIZE,
                                 regions=(params.region,) if params.region else None,
                                 capabilities=params.capabilities or None))
    except BackendUnavailable:
        current_app.logger.exception("search backend unavailable")
        abort(503)


def run_search(params: SearchParams, limit: int, offset: int) -> Any:
    """One call into the core's matching; an unavailable search backend is a 503, never an empty page."""
    from matcher.search.base import BackendUnavailable
    from matcher.services.matching import match

    try:
        return _cache(current_app).get_or_compute(
            ("page", params.q, params.kind, params.region, params.capabilities, limit, offset),
            lambda: match(runtime(), params.q, kinds=_kinds(params.kind),
                          regions=(params.region,) if params.region else None,
                          capabilities=params.capabilities or None, limit=limit, offset=offset))
    except BackendUnavailable:
        current_app.logger.exception("search backend unavailable")
        abort(503)


@bp.get("/")
def home() -> str:
    return render_template("public/home.html", examples=problems.example_problems(runtime(), limit=4))


@bp.get("/search")
@limiter.limit(search_limit)
def search() -> str | Response:
    params = parse_search_args(request.args)
    if not params.q:
        return redirect(url_for("public.home"))
    groups = []
    if params.kind is None:
        # Overview: the best few of every group at once, each with a link to all of its results.
        by_group = run_overview(params)
        results = [(key, label, by_group[key]) for key, label, _ in GROUPS]
        for key, label, group_result in results:
            if group_result.matches:
                groups.append({"key": key, "label": label, "matches": group_result.matches,
                               "total": group_result.total})
        result = results[0][2]
        total = sum(r.total for _, _, r in results)
        result = replace(result, matches=tuple(m for _, _, r in results for m in r.matches), total=total)
        pages = 1
    else:
        result = run_search(params, PER_PAGE, (params.page - 1) * PER_PAGE)
        for key, label, kinds in GROUPS:
            items = [m for m in result.matches if m.entity_kind in kinds]
            if items:
                groups.append({"key": key, "label": label, "matches": items, "total": None})
        pages = max(1, -(-min(result.total, PER_PAGE * MAX_PAGE) // PER_PAGE))
    query_caps = {m.capability_id: m.label for m in result.capabilities}
    for cap in params.capabilities:
        query_caps.setdefault(cap, cap)
    regions = sorted({m.region for m in result.matches if m.region} | ({params.region} if params.region else set()))
    return render_template("public/results.html", params=params, result=result, groups=groups, pages=pages,
                           query_caps=query_caps, regions=regions, kinds=SEARCH_KINDS,
                           group_labels={key: label for key, label, _ in GROUPS})


@bp.get("/entities/<entity_id>")
def entity(entity_id: str) -> str:
    from matcher.services.entities import get_profile

    profile = get_profile(runtime(), entity_id)
    if profile is None:
        abort(404)
    form = IntroductionForm(entity_id=entity_id) if current_user.has_role(*problems.POSTER_ROLES) else None
    return render_template("public/profile.html", profile=profile, entity_id=entity_id, intro_form=form)


@bp.get("/about")
def about() -> str:
    return render_template("public/about.html")


@bp.get("/problems")
@roles_required(*problems.POSTER_ROLES)
def my_problems() -> str:
    items, total = problems.list_problems(runtime(), viewer(), mine=True, limit=200)
    return render_template("public/my_problems.html", problems=items, total=total)


@bp.route("/problems/new", methods=["GET", "POST"])
@roles_required(*problems.POSTER_ROLES)
def new_problem() -> str | Response:
    form = ProblemForm()
    if form.validate_on_submit():
        data = problems.ProblemInput(
            title=form.title.data or "", text=form.text.data or "", region=form.region.data,
            budget=form.budget.data, timeline=form.timeline.data, trl=form.trl.data,
            visibility=form.visibility.data or "private",
        )
        try:
            posted = problems.post_problem(runtime(), int(current_user.id), data,
                                           organization_id=current_user.organization_id)
        except problems.ProblemError as exc:
            flash(str(exc).capitalize() + ".", "error")
        else:
            flash(f"Your problem is posted; we found {posted.match_count} possible partners.", "success")
            return redirect(url_for("public.problem", problem_id=posted.id))
    return render_template("public/new_problem.html", form=form)


@bp.get("/problems/<problem_id>")
def problem(problem_id: str) -> str:
    who = viewer()
    try:
        item = problems.get_problem(runtime(), problem_id, who)
    except problems.NotVisible:
        abort(404)
    matches: list[problems.StoredMatch] = []
    if item.is_owner or who.is_staff:
        matches = problems.list_matches(runtime(), problem_id, who)
    return render_template("public/problem.html", problem=item, matches=matches, intro_form=IntroductionForm())


@bp.post("/introductions")
@roles_required(*problems.POSTER_ROLES)
def request_introduction() -> Response:
    form = IntroductionForm()
    if not form.validate_on_submit():
        abort(400)
    problem_id = form.problem_id.data or None
    try:
        intro = problems.request_introduction(runtime(), viewer(), form.entity_id.data or "",
                                              problem_id=problem_id, message=form.message.data or "")
    except problems.NotVisible:
        abort(404)
    except problems.Forbidden:
        abort(403)
    if intro.created:
        notify_coordinators(intro, form.message.data or "")
        flash(f"Introduction to {intro.entity_name} requested; a coordinator will get in touch.", "success")
    else:
        flash(f"You already asked to meet {intro.entity_name}; a coordinator will get in touch.", "success")
    if problem_id:
        return redirect(url_for("public.problem", problem_id=problem_id))
    return redirect(url_for("public.entity", entity_id=intro.entity_id))


def notify_coordinators(intro: problems.IntroductionView, message: str) -> None:
    """Email every coordinator; the partner's contact details stay out of the SME's reach."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    text = render_template("public/introduction_email.txt", intro=intro, requester=current_user, message=message,
                           base=base)
    for address in accounts.emails_for_role(runtime(), "coordinator"):
        try:
            send_mail(OutgoingMail(to=address, subject=f"Introduction request: {intro.entity_name}", text=text))
        except MailError:
            current_app.logger.exception("introduction mail to a coordinator failed")


def init_app(app: Flask) -> None:
    app.extensions["search_results"] = ResultCache(ttl=float(app.config.get("SEARCH_CACHE_SECONDS", 60)))
    app.register_blueprint(bp)
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.globals["KIND_LABELS"] = KIND_LABELS
    errors.init_app(app)
