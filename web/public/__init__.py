"""The public site: search with evidence, entity profiles, problems and introduction requests."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.capabilities.shown import is_shown_capability, shown_capability_ids, shown_labels
from matcher.regions import normalise_region
from matcher.services import problems
from matcher.services.team import team_from_results
from web.extensions import runtime
from web.labels import capability_name, sentence
from web.page_text import PageLabels
from web.security import limiter, roles_required

from . import errors
from .forms import IntroductionForm, ProblemForm
from .cards import result_card
from .highlight import highlight
from .result_cache import ResultCache

bp = Blueprint("public", __name__)

PER_PAGE = 10
MAX_PAGE = 50
SEARCH_KINDS = ("researcher", "lab", "equipment", "project", "organization")
GROUPS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("partners", _l("Research partners"), ("researcher", "lab")),
    ("equipment", _l("Equipment"), ("equipment",)),
    ("projects", _l("Institute projects"), ("project",)),
    ("organizations", _l("Firms and organisations"), ("organization",)),
)


GROUP_KINDS = {key: kinds for key, _, kinds in GROUPS}
TEAM_GROUPS = {"partner": "partners", "equipment": "equipment", "project": "projects"}  # team role -> group
OVERVIEW_SIZE = 4


def forget_cached(*entity_ids: str) -> None:
    """A profile was corrected: every cached search result holding one of these entities goes, at once."""
    _cache(current_app).invalidate(entity_ids)


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
    # Only curated taxonomy capabilities filter; a raw phrase in the URL is dropped, not searched for.
    caps = tuple(dict.fromkeys(c.strip()[:128] for c in args.getlist("capability")
                               if c.strip() and is_shown_capability(c.strip())))[:20]
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
    team = None
    group_labels = PageLabels({key: label for key, label, _ in GROUPS})  # each printed several times a page
    if params.kind is None:
        # Overview: the best few of every group at once, each with a link to all of its results.
        by_group = run_overview(params)
        results = [(key, group_labels[key], by_group[key]) for key, _, _ in GROUPS]
        for key, label, group_result in results:
            if group_result.matches:
                groups.append({"key": key, "label": label, "matches": group_result.matches,
                               "total": group_result.total})
        team = team_from_results(params.q, {role: by_group[key] for role, key in TEAM_GROUPS.items()})
        result = results[0][2]
        total = sum(r.total for _, _, r in results)
        result = replace(result, matches=tuple(m for _, _, r in results for m in r.matches), total=total)
        pages = 1
    else:
        result = run_search(params, PER_PAGE, (params.page - 1) * PER_PAGE)
        for key, _label, kinds in GROUPS:
            items = [m for m in result.matches if m.entity_kind in kinds]
            if items:
                groups.append({"key": key, "label": group_labels[key], "matches": items, "total": None})
        pages = max(1, -(-min(result.total, PER_PAGE * MAX_PAGE) // PER_PAGE))
    query_caps = shown_labels([*shown_capability_ids(params.q), *params.capabilities])
    regions = sorted({m.region for m in result.matches if m.region} | ({params.region} if params.region else set()))
    return render_template("public/results.html", params=params, result=result, groups=groups, pages=pages,
                           query_caps=query_caps, regions=regions, kinds=SEARCH_KINDS, team=team,
                           group_labels=group_labels)


@bp.get("/entities/<entity_id>")
def entity(entity_id: str) -> str | Response:
    from matcher.services.entities import get_profile

    profile = get_profile(runtime(), entity_id)
    if profile is None:
        from matcher.services.duplicates import survivor

        kept = survivor(runtime(), entity_id)
        if kept is None:
            abort(404)
        return redirect(url_for("public.entity", entity_id=kept), 308)  # merged: its old links keep working
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
            flash(sentence(exc), "error")
        else:
            flash(_("Your problem is posted; we found %(count)s possible partners.", count=posted.match_count),
                  "success")
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
    from .loop import problem_extras

    return render_template("public/problem.html", problem=item, matches=matches, intro_form=IntroductionForm(),
                           **problem_extras(item, who))


def init_app(app: Flask) -> None:
    from . import cli, loop, saved  # noqa: F401  (loop and saved add routes to this blueprint)

    cli.init_app(app)

    # Corrections are logged beside the index, so every worker of this deployment sees them.
    log = Path(app.config.get("INDEX_DIR") or app.instance_path) / "corrected-entities.log"
    app.extensions["search_results"] = ResultCache(ttl=float(app.config.get("SEARCH_CACHE_SECONDS", 60)),
                                                   log_path=log)
    app.register_blueprint(bp)
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.globals["result_card"] = result_card
    # A capability id as the page's language names it (the team's reasons are sentences in that language).
    app.jinja_env.filters["capability_label"] = lambda cid: capability_name(shown_labels([cid]).get(cid, cid), cid)
    errors.init_app(app)
