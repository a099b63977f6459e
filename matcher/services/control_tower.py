"""The network's control tower: real outcomes (introductions, projects, products), not activity.

Every figure is a Table (title, columns, rows) so the page can draw it, show it and export it
as CSV through one path. A match counts as having reached a stage when its current stage or any
of its recorded steps is at or beyond it, so rejected and closed matches still count for the
stages they passed.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from matcher.models import Problem
from matcher.regions import region_label
from matcher.repositories import capabilities as capability_queries
from matcher.repositories import problems as problem_queries
from matcher.runtime import Runtime
from matcher.timeutil import aware
from matcher.types import MATCH_STAGES

from .outcomes import STAGE_LABELS, stage_index

OUTCOME_STAGES: tuple[str, ...] = ("approved", "introduced", "project_started", "commercialised")
NO_REGION = "(no region)"
OTHER_AREA = "(no capability)"
TOP_AREAS = 15


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    chart: str = "bar"  # bar | funnel
    value_column: int = 1  # which column the chart draws
    inner_column: int | None = None  # an optional second series drawn inside the first (outcomes within matches)


@dataclass(frozen=True)
class Tower:
    tables: tuple[Table, ...]
    matches: int
    problems: int
    rejected: int
    closed: int
    median_days_to_introduction: float | None
    introductions_timed: int

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


@dataclass
class _MatchFacts:
    problem_id: str
    stage: str
    reached: int
    capabilities: list[str]
    value: float = 0.0
    introduced_at: datetime | None = None


def _rate(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def _areas(session: Any) -> dict[str, str]:
    """capability label (lower case) -> label of its top-level area in the taxonomy."""
    rows = capability_queries.taxonomy_edges(session)
    by_id = {cid: (label, parent) for cid, label, parent in rows}
    areas: dict[str, str] = {}
    for cid, label, _ in rows:
        current, seen = cid, set()
        while by_id.get(current, (None, None))[1] in by_id and current not in seen:
            seen.add(current)
            current = by_id[current][1]
        areas[str(label).lower()] = str(by_id[current][0])
    return areas


def _facts(session: Any) -> tuple[dict[int, _MatchFacts], dict[str, Problem]]:
    by_id = {p.id: p for p in problem_queries.all_problems(session)}
    facts: dict[int, _MatchFacts] = {}
    for mid, pid, stage, caps in problem_queries.match_stage_facts(session):
        facts[mid] = _MatchFacts(problem_id=pid, stage=stage, reached=max(stage_index(stage), 0),
                                 capabilities=[str(c) for c in caps or ()])
    for mid, stage, at, value in problem_queries.match_event_facts(session):
        fact = facts.get(mid)
        if fact is None:
            continue
        fact.reached = max(fact.reached, stage_index(stage))
        if value is not None:
            fact.value += float(value)
        if stage == "introduced" and at is not None:
            when = aware(at)
            fact.introduced_at = when if fact.introduced_at is None else min(fact.introduced_at, when)
    return facts, by_id


def funnel_table(facts: dict[int, _MatchFacts]) -> Table:
    """Matches that reached each stage, with the conversion from the stage before and from the start."""
    counts = [sum(1 for f in facts.values() if f.reached >= i) for i in range(len(MATCH_STAGES))]
    rows = []
    for i, stage in enumerate(MATCH_STAGES):
        previous = counts[i - 1] if i else counts[0]
        rows.append((STAGE_LABELS[stage], counts[i], _rate(counts[i], previous) if i else "100.0%" if counts[0] else "-",
                     _rate(counts[i], counts[0])))
    return Table("funnel", "Funnel by stage", ("Stage", "Matches", "From previous stage", "From suggested"),
                 tuple(rows), chart="funnel")


def _outcome_row(group: list[_MatchFacts]) -> tuple[int, ...]:
    return tuple(sum(1 for f in group if f.reached >= stage_index(s)) for s in OUTCOME_STAGES)


def _region_name(region: str) -> str:
    """A Korean division by its names ("Seoul 서울특별시"), any other region as stored."""
    label = region_label(region, "en")
    return f"{label} {region_label(region, 'ko')}" if label != region else region


def region_table(facts: dict[int, _MatchFacts], problems: dict[str, Problem]) -> Table:
    """Problems, matches and outcomes per region of the problem."""
    groups: dict[str, list[_MatchFacts]] = defaultdict(list)
    problem_counts: dict[str, int] = defaultdict(int)
    for problem in problems.values():
        problem_counts[problem.region or NO_REGION] += 1
    for fact in facts.values():
        problem = problems.get(fact.problem_id)
        groups[(problem.region if problem else None) or NO_REGION].append(fact)
    rows = []
    for region in sorted(problem_counts, key=lambda r: (-problem_counts[r], r)):
        group = groups.get(region, [])
        rows.append((_region_name(region), problem_counts[region], len(group), *_outcome_row(group),
                     round(sum(f.value for f in group), 2)))
    return Table("regions", "Counts and outcomes by region",
                 ("Region", "Problems", "Matches", "Approved", "Introduced", "Projects started", "Commercialised",
                  "Value"), tuple(rows), value_column=2, inner_column=4)


def capability_table(facts: dict[int, _MatchFacts], areas: dict[str, str]) -> Table:
    """Matches and outcomes per capability area (a match counts once in each area it covers)."""
    groups: dict[str, list[_MatchFacts]] = defaultdict(list)
    for fact in facts.values():
        names = {areas.get(c.lower(), c) for c in fact.capabilities} or {OTHER_AREA}
        for name in names:
            groups[name].append(fact)
    ordered = sorted(groups, key=lambda a: (-len(groups[a]), a))[:TOP_AREAS]
    rows = tuple((area, len(groups[area]), *_outcome_row(groups[area]), round(sum(f.value for f in groups[area]), 2))
                 for area in ordered)
    return Table("capabilities", f"Counts and outcomes by capability area (top {TOP_AREAS})",
                 ("Capability area", "Matches", "Approved", "Introduced", "Projects started", "Commercialised",
                  "Value"), rows, value_column=1, inner_column=3)


def time_table(facts: dict[int, _MatchFacts], problems: dict[str, Problem]) -> tuple[Table, float | None, int]:
    """Days from posting a problem to its first introduction, by region, and the overall median."""
    first: dict[str, datetime] = {}
    for fact in facts.values():
        if fact.introduced_at is not None:
            current = first.get(fact.problem_id)
            first[fact.problem_id] = fact.introduced_at if current is None else min(current, fact.introduced_at)
    days_by_region: dict[str, list[float]] = defaultdict(list)
    every: list[float] = []
    for pid, when in first.items():
        problem = problems.get(pid)
        if problem is None or problem.created_at is None:
            continue
        days = max((when - aware(problem.created_at)).total_seconds() / 86400.0, 0.0)
        every.append(days)
        days_by_region[problem.region or NO_REGION].append(days)
    median = round(statistics.median(every), 1) if every else None
    rows = [("All regions", len(every), median if median is not None else "-")]
    rows += [(region, len(values), round(statistics.median(values), 1))
             for region, values in sorted(days_by_region.items())]
    table = Table("time_to_introduction", "Median days from problem to introduction",
                  ("Region", "Problems introduced", "Median days"), tuple(rows), value_column=2)
    return table, median, len(every)


def tower(runtime: Runtime) -> Tower:
    """Every figure of the control tower, computed in one pass over matches and their steps."""
    with runtime.db.session() as session:
        facts, problems = _facts(session)
        areas = _areas(session)
        session.expunge_all()
    timing, median, timed = time_table(facts, problems)
    tables = (funnel_table(facts), timing, region_table(facts, problems), capability_table(facts, areas))
    return Tower(tables=tables, matches=len(facts), problems=len(problems),
                 rejected=sum(1 for f in facts.values() if f.stage == "rejected"),
                 closed=sum(1 for f in facts.values() if f.stage == "closed"),
                 median_days_to_introduction=median, introductions_timed=timed)
