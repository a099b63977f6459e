"""Team suggestion: greedy cover over the problem's capabilities, one member per role, relevance breaking ties."""
from __future__ import annotations

from matcher.ranking.team import suggest_team
from matcher.types import Match

LABELS = {"core:welding": "Welding", "core:coatings": "Coatings", "core:corrosion": "Corrosion",
          "core:ndt": "NDT"}


def _m(entity_id: str, kind: str, score: float, *labels: str) -> Match:
    return Match(entity_id=entity_id, entity_kind=kind, name=entity_id, score=score, capabilities=labels)


def test_team_covers_what_no_single_hit_does() -> None:
    pools = {
        "partner": [_m("r:weld", "researcher", 3.0, "Welding", "Corrosion"), _m("r:all", "researcher", 1.0, "Welding")],
        "equipment": [_m("e:xray", "equipment", 0.5, "NDT"), _m("e:spray", "equipment", 0.4, "Coatings")],
        "project": [_m("p:coat", "project", 0.2, "Coatings", "Corrosion")],
    }
    team = suggest_team(list(LABELS), LABELS, pools)
    assert team is not None
    assert [m.role for m in team.members] == ["partner", "equipment", "project"]
    by_role = {m.role: m for m in team.members}
    assert by_role["partner"].match.entity_id == "r:weld"
    assert by_role["partner"].adds == ("core:welding", "core:corrosion")
    assert by_role["equipment"].match.entity_id == "e:xray" and by_role["equipment"].adds == ("core:ndt",)
    assert by_role["project"].adds == ("core:coatings",) and by_role["project"].shares == ("core:corrosion",)
    assert all(m.reason == "covers" for m in team.members)
    assert team.covered == tuple(LABELS) and not team.uncovered and team.best_single == 2


def test_relevance_breaks_ties_and_a_role_adding_nothing_is_filled_by_relevance() -> None:
    pools = {
        "partner": [_m("r:low", "researcher", 0.1, "Welding"), _m("r:high", "researcher", 2.0, "Welding")],
        "equipment": [_m("e:spray", "equipment", 0.3, "Coatings")],
        "project": [_m("p:none", "project", 0.9), _m("p:weld", "project", 0.2, "Welding")],
    }
    team = suggest_team(["core:welding", "core:coatings"], LABELS, pools)
    assert team is not None
    by_role = {m.role: m for m in team.members}
    assert by_role["partner"].match.entity_id == "r:high"
    assert by_role["project"].reason == "relevant" and by_role["project"].adds == ()
    assert by_role["project"].match.entity_id == "p:weld"  # shares a capability: preferred over a higher score
    assert by_role["project"].shares == ("core:welding",)


def test_a_role_sharing_nothing_is_left_out() -> None:
    pools = {"partner": [_m("r:weld", "researcher", 1.0, "Welding")],
             "equipment": [_m("e:spray", "equipment", 0.3, "Coatings")],
             "project": [_m("p:unrelated", "project", 5.0)]}
    team = suggest_team(["core:welding", "core:coatings"], LABELS, pools)
    assert team is not None and [m.role for m in team.members] == ["partner", "equipment"]


def test_no_team_when_one_hit_covers_everything_or_too_few_capabilities() -> None:
    pools = {"partner": [_m("r:both", "researcher", 1.0, "Welding", "Coatings")],
             "equipment": [_m("e:spray", "equipment", 0.3, "Coatings")], "project": []}
    assert suggest_team(["core:welding", "core:coatings"], LABELS, pools) is None
    assert suggest_team(["core:welding"], LABELS, {"partner": [_m("r", "researcher", 1.0, "Welding")]}) is None


def test_weak_hits_beyond_the_pool_never_join() -> None:
    pools = {"partner": [_m("r:weld", "researcher", 1.0, "Welding")],
             "equipment": [_m(f"e:{i}", "equipment", 1.0 - i / 10, ) for i in range(4)]
             + [_m("e:late", "equipment", 0.01, "Coatings")]}
    assert suggest_team(["core:welding", "core:coatings"], LABELS, pools) is None
    team = suggest_team(["core:welding", "core:coatings"], LABELS, pools, pool_size=5)
    assert team is not None and team.members[1].match.entity_id == "e:late"
