"""How well the brokerage loop answers: time from a firm's request to its introduction, the share of
requests answered within 5 working days, offers of help per problem, and where requests stand now.

A request is answered by the coordinator's first decision on its match after the request (approve,
reject, introduce or close). Requests still waiting count against the 5-day share once 5 working days
have passed, and not before (they may still be answered in time).
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
from matcher.models import MatchEvent
from matcher.repositories import problems as problem_queries
from matcher.runtime import Runtime
from matcher.timeutil import aware

from .control_tower import Table
from .outcomes import STAGE_LABELS

ANSWERS: tuple[str, ...] = ("approve", "reject", "introduce", "close")
WORKING_DAYS = 5
TOP_PROBLEMS = 15


@dataclass(frozen=True)
class LoopFigures:
    requests: int
    median_days_to_introduction: float | None
    introductions_timed: int
    answered_in_time: int
    answerable: int  # requests answered, or waiting for more than WORKING_DAYS working days
    tables: tuple[Table, ...]

    @property
    def share_in_time(self) -> str:
        return f"{100.0 * self.answered_in_time / self.answerable:.0f}%" if self.answerable else "-"


def working_days(start: datetime, end: datetime) -> int:
    """Whole working days (Monday to Friday) from `start` to `end`."""
    return int(np.busday_count(start.date(), end.date()))


def _first(events: list[MatchEvent], after: datetime, decisions: tuple[str, ...]) -> datetime | None:
    times = [aware(e.at) for e in events if e.decision in decisions and aware(e.at) >= after]
    return min(times) if times else None


def loop_figures(runtime: Runtime, now: datetime | None = None) -> LoopFigures:
    """Every figure of the loop, from requests, their matches and the matches' events."""
    now = now or datetime.now(timezone.utc)
    with runtime.db.session() as session:
        asks = problem_queries.all_requests(session)
        match_ids = {a.match_id for a in asks if a.match_id is not None}
        matches = problem_queries.matches_by_id(session, match_ids)
        events: dict[int, list[MatchEvent]] = {}
        for event in problem_queries.events_of_matches(session, match_ids):
            events.setdefault(event.match_id, []).append(event)
        titles = problem_queries.problem_titles(session)
        days: list[float] = []
        in_time = answerable = 0
        stages: Counter[str] = Counter()
        offers: Counter[str] = Counter()
        requests_per_problem: Counter[str] = Counter()
        for ask in asks:
            if ask.kind == "interest":
                if ask.problem_id:
                    offers[ask.problem_id] += 1
                continue
            if ask.problem_id:
                requests_per_problem[ask.problem_id] += 1
            match = matches.get(ask.match_id) if ask.match_id is not None else None
            stage = match.stage if match else "suggested"
            stages["Requested" if stage == "suggested" else STAGE_LABELS.get(stage, stage)] += 1
            asked = aware(ask.created_at)
            answered = _first(events.get(ask.match_id, []), asked, ANSWERS) if match else None
            introduced = _first(events.get(ask.match_id, []), asked, ("introduce",)) if match else None
            if introduced is not None:
                days.append(max((introduced - asked).total_seconds() / 86400.0, 0.0))
            if answered is not None:
                answerable += 1
                in_time += working_days(asked, answered) <= WORKING_DAYS
            elif working_days(asked, now) > WORKING_DAYS:
                answerable += 1
    stage_rows = tuple(sorted(stages.items(), key=lambda kv: (-kv[1], kv[0])))
    top = sorted(set(offers) | set(requests_per_problem), key=lambda p: (-offers[p], -requests_per_problem[p], p))
    offer_rows = tuple((titles.get(p, p), offers[p], requests_per_problem[p]) for p in top[:TOP_PROBLEMS])
    tables = (
        Table("request_stages", "Where the firms' requests stand", ("Stage", "Requests"), stage_rows),
        Table("offers", f"Offers of help and requests per problem (top {TOP_PROBLEMS})",
              ("Problem", "Offers of help", "Introduction requests"), offer_rows),
    )
    return LoopFigures(requests=sum(stages.values()),
                       median_days_to_introduction=round(statistics.median(days), 1) if days else None,
                       introductions_timed=len(days), answered_in_time=in_time, answerable=answerable, tables=tables)
