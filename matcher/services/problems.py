"""Problems posted by firms: posting (which runs matching), visibility rules, and introduction requests.

Every read goes through a Viewer so that visibility is decided here, once, for the site,
the JSON API and the CLI alike: a private problem exists only for its owner and the staff.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from matcher.models import (
    Equipment, InstituteProject, Lab, Match, Organization, Problem, Researcher, User,
)
from matcher.regions import normalise_region
from matcher.repositories import problems as problem_queries
from matcher.runtime import Runtime
from matcher.text import trim
from matcher.types import VISIBILITIES, Evidence, Match as MatchItem

STAFF_ROLES: tuple[str, ...] = ("coordinator", "admin")
#: Roles that may post problems and ask for introductions (staff may act on behalf of a firm).
POSTER_ROLES: tuple[str, ...] = ("sme", *STAFF_ROLES)
SUGGESTED_MATCHES = 20
_ENTITY_TABLES: dict[str, Any] = {
    "researcher": Researcher, "lab": Lab, "organization": Organization, "equipment": Equipment,
    "project": InstituteProject,
}


class ProblemError(ValueError):
    """Invalid input for a problem or an introduction request; the message is safe to show."""


class NotVisible(LookupError):
    """The object does not exist for this viewer (unknown, or private and not theirs): answer 404."""


class Forbidden(PermissionError):
    """The viewer may see the object but not this part of it or this action: answer 403."""


@dataclass(frozen=True)
class Viewer:
    """Who asks: None/None is an anonymous visitor."""

    user_id: int | None = None
    role: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


@dataclass(frozen=True)
class ProblemInput:
    title: str
    text: str
    region: str | None = None
    budget: str | None = None
    timeline: str | None = None
    trl: int | None = None
    visibility: str = "private"


@dataclass(frozen=True)
class ProblemView:
    """A problem as one viewer may see it; `organization` is None when the firm is hidden from them."""

    id: str
    title: str
    text: str
    region: str | None
    budget: str | None
    timeline: str | None
    trl: int | None
    visibility: str
    status: str
    created_at: datetime | None
    is_owner: bool
    organization: str | None
    match_count: int = 0


@dataclass(frozen=True)
class StoredMatch:
    """A suggestion frozen at posting time, with what explained it."""

    id: int
    problem_id: str
    entity_id: str
    entity_kind: str
    name: str
    rank: int | None
    score: float
    stage: str
    components: dict[str, float] = field(default_factory=dict)
    capabilities: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    organization: str | None = None  # not frozen with the match; kept for a shared result template
    region: str | None = None
    consented: bool = False  # the firm agreed to be named to this partner (anonymous problems)


def _clean(value: str | None, limit: int, label: str) -> str | None:
    """Trimmed text or None; too long or unstorable text is refused, never cut (the author would not know)."""
    value = value or ""
    if "\x00" in value:
        raise ProblemError(f"the {label} contains a NUL character")
    if len(value) > limit:
        raise ProblemError(f"the {label} is too long ({limit:,} characters at most, it has {len(value):,})")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ProblemError(f"the {label} contains a lone surrogate (not a valid character)") from None
    return trim(value) or None


def validate(data: ProblemInput) -> ProblemInput:
    """Normalise and check the fields; raises ProblemError with a message fit for the form."""
    title = _clean(data.title, 500, "title")
    text = _clean(data.text, 20_000, "description") or ""
    if not title:
        raise ProblemError("a title is required")
    if len(text) < 10:
        raise ProblemError("describe the problem in at least a sentence")
    if data.visibility not in VISIBILITIES:
        raise ProblemError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    if data.trl is not None and not 1 <= int(data.trl) <= 9:
        raise ProblemError("the technology readiness level is between 1 and 9")
    return ProblemInput(title=title, text=text, region=normalise_region(_clean(data.region, 120, "region")),
                        budget=_clean(data.budget, 120, "budget"), timeline=_clean(data.timeline, 200, "timeline"),
                        trl=data.trl, visibility=data.visibility)


def can_view(problem: Problem, viewer: Viewer) -> bool:
    if problem.visibility in ("public", "anonymous"):
        return True
    return viewer.is_staff or (viewer.user_id is not None and problem.owner_user_id == viewer.user_id)


def firm_name(session: Any, problem: Problem) -> str | None:
    """The firm behind a problem: its organisation, else the name the owner gave ("Name or firm")."""
    org = session.get(Organization, problem.organization_id) if problem.organization_id else None
    if org is not None:
        return str(org.name)
    owner = session.get(User, problem.owner_user_id) if problem.owner_user_id else None
    return owner.display_name if owner is not None and owner.display_name else None


def _view(session: Any, problem: Problem, viewer: Viewer, match_count: int = 0) -> ProblemView:
    is_owner = viewer.user_id is not None and problem.owner_user_id == viewer.user_id
    organization = None
    if problem.visibility == "public" or is_owner or viewer.is_staff:
        organization = firm_name(session, problem)
    return ProblemView(
        id=problem.id, title=problem.title, text=problem.text, region=problem.region, budget=problem.budget,
        timeline=problem.timeline, trl=problem.trl, visibility=problem.visibility, status=problem.status,
        created_at=problem.created_at, is_owner=is_owner, organization=organization, match_count=match_count,
    )


def _stored(row: Match) -> StoredMatch:
    return StoredMatch(
        id=row.id, problem_id=row.problem_id, entity_id=row.entity_id, entity_kind=row.entity_kind,
        name=row.entity_name, rank=row.rank, score=row.score, stage=row.stage,
        components={str(k): float(v) for k, v in (row.components or {}).items()},
        capabilities=tuple(str(c) for c in (row.capabilities or ())),
        evidence=tuple(Evidence.from_json(e) for e in (row.evidence or ())), consented=bool(row.sme_consented),
    )


def post_problem(
    runtime: Runtime, owner_user_id: int, data: ProblemInput, *, organization_id: str | None = None,
    match_limit: int = SUGGESTED_MATCHES,
) -> ProblemView:
    """Store a problem and the matches suggested for it, so coordinators can curate them right away."""
    from matcher.services.matching import match

    data = validate(data)
    result = match(runtime, f"{data.title}\n{data.text}", limit=match_limit)
    problem_id = "problem:" + uuid.uuid4().hex[:24]
    with runtime.db.session() as session:
        problem = Problem(
            id=problem_id, title=data.title, text=data.text, region=data.region, budget=data.budget,
            timeline=data.timeline, trl=data.trl, visibility=data.visibility, owner_user_id=owner_user_id,
            organization_id=organization_id, status="new", source="site",
        )
        session.add(problem)
        seen: set[str] = set()
        for rank, candidate in enumerate(result.matches, start=1):
            if candidate.entity_id in seen:
                continue
            seen.add(candidate.entity_id)
            session.add(suggested_match(problem_id, rank, candidate))
        session.flush()
        return _view(session, problem, Viewer(owner_user_id, None), match_count=len(seen))


def get_problem(runtime: Runtime, problem_id: str, viewer: Viewer) -> ProblemView:
    """The problem as `viewer` may see it; raises NotVisible (404) for unknown or hidden problems."""
    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None or not can_view(problem, viewer):
            raise NotVisible(problem_id)
        return _view(session, problem, viewer, match_count=problem_queries.match_count(session, problem_id))


def list_problems(
    runtime: Runtime, viewer: Viewer, *, mine: bool = False, limit: int = 50, offset: int = 0
) -> tuple[list[ProblemView], int]:
    """Problems this viewer may see, newest first; `mine` keeps only their own."""
    if mine and viewer.user_id is None:
        return [], 0
    with runtime.db.session() as session:
        rows, total = problem_queries.problems_page(
            session, owner_id=viewer.user_id if mine else None, visible_to=viewer.user_id,
            public_only=not mine and not viewer.is_staff, limit=limit, offset=offset)
        return [_view(session, p, viewer) for p in rows], total


def example_problems(runtime: Runtime, limit: int = 4) -> list[ProblemView]:
    """Public problems to inspire a first search on the home page."""
    with runtime.db.session() as session:
        return [_view(session, p, Viewer()) for p in problem_queries.newest_public_problems(session, limit)]


def list_matches(runtime: Runtime, problem_id: str, viewer: Viewer) -> list[StoredMatch]:
    """Suggested matches, for the owner and the staff only; others get NotVisible or Forbidden."""
    with runtime.db.session() as session:
        problem = session.get(Problem, problem_id)
        if problem is None or not can_view(problem, viewer):
            raise NotVisible(problem_id)
        if not (viewer.is_staff or (viewer.user_id is not None and problem.owner_user_id == viewer.user_id)):
            raise Forbidden("only the owner and coordinators see the matches of a problem")
        return [_stored(m) for m in problem_queries.shown_matches(session, problem_id)]


def entity_name(runtime: Runtime, entity_id: str) -> str | None:
    """The display name of an entity, or None when it does not exist."""
    kind = entity_id.split(":", 1)[0]
    table = _ENTITY_TABLES.get(kind)
    if table is None:
        return None
    with runtime.db.session() as session:
        row = session.get(table, entity_id)
        if row is None:
            return None
        return str(getattr(row, "name", None) or getattr(row, "acronym", None) or getattr(row, "title", "") or "")


def suggested_match(problem_id: str, rank: int, found: MatchItem) -> Match:
    """A matcher's result as a suggested Match row, with the features and evidence it was ranked on."""
    return Match(
        problem_id=problem_id, entity_id=found.entity_id, entity_kind=found.entity_kind,
        entity_name=found.name[:500], rank=rank, score=float(found.score),
        components={k: float(v) for k, v in found.components.items()},
        evidence=[e.to_json() for e in found.evidence], capabilities=list(found.capabilities),
        stage="suggested", added_by="matcher",
    )
