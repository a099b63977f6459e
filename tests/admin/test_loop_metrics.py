"""The control tower's loop figures: request to introduction, answered within 5 working days, offers per problem."""
from __future__ import annotations

from datetime import datetime, timezone

from matcher.models import IntroductionRequest, Match, MatchEvent
from matcher.services.loop_metrics import loop_figures, working_days

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def at(day: int, hour: int = 9) -> datetime:
    return MONDAY.replace(day=MONDAY.day + day, hour=hour)


def test_working_days_skip_the_weekend() -> None:
    assert working_days(at(0), at(4)) == 4  # Monday -> Friday
    assert working_days(at(4), at(7)) == 1  # Friday -> next Monday
    assert working_days(at(0), at(9)) == 7  # Monday -> Wednesday of the week after


def test_loop_figures_from_requests_and_their_answers(runtime, world, staff_client) -> None:
    first, second, lab = world.match_ids
    with runtime.db.session() as s:
        s.add_all([
            # answered (approved) on Friday, introduced the Tuesday after: in time, 8 days to introduction
            IntroductionRequest(user_id=world.sme_id, entity_id="researcher:a", problem_id=world.problem_id,
                                match_id=first, kind="request", created_at=at(0)),
            MatchEvent(match_id=first, stage="approved", decision="approve", at=at(4)),
            MatchEvent(match_id=first, stage="introduced", decision="introduce", at=at(8)),
            # answered (rejected) 8 working days later: late
            IntroductionRequest(user_id=world.sme_id, entity_id="researcher:b", problem_id=world.problem_id,
                                match_id=second, kind="request", created_at=at(0)),
            MatchEvent(match_id=second, stage="rejected", decision="reject", at=at(10)),
            # never answered, asked long ago: late; and one asked "now": not counted yet
            IntroductionRequest(user_id=world.sme_id, entity_id="lab:tribo", problem_id=world.problem_id,
                                match_id=lab, kind="request", created_at=at(0)),
            IntroductionRequest(user_id=world.sme_id, entity_id="researcher:a", problem_id=world.anonymous_problem_id,
                                match_id=world.anonymous_match_id, kind="request", created_at=at(14)),
            IntroductionRequest(user_id=world.researcher_user_id, entity_id="researcher:a",
                                problem_id=world.problem_id, kind="interest", created_at=at(1)),
        ])
        s.get(Match, first).stage = "introduced"
        s.get(Match, second).stage = "rejected"
    figures = loop_figures(runtime, now=at(15))
    assert figures.requests == 4
    assert figures.median_days_to_introduction == 8.0 and figures.introductions_timed == 1
    assert (figures.answered_in_time, figures.answerable, figures.share_in_time) == (1, 3, "33%")
    stages = dict(figures.tables[0].rows)
    assert stages == {"Requested": 2, "Introduced": 1, "Rejected": 1}
    offers = figures.tables[1].rows
    assert offers[0] == ("Gear wear at high load", 1, 3)
    page = staff_client.get("/admin/control-tower").get_data(as_text=True)
    assert 'id="table-request_stages"' in page and 'id="table-offers"' in page and 'id="kpi-in-time"' in page
    csv = staff_client.get("/admin/control-tower/offers.csv").get_data(as_text=True)
    assert csv.splitlines()[1].startswith("Gear wear at high load,1,3")
