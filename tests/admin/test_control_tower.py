"""Control tower figures on known data, the SVG charts and the CSV export with its formula guard."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from typing import Any

from matcher.models import Capability, Match, MatchEvent, Problem
from matcher.services import control_tower
from web.admin import charts, csvexport


def _known_data(runtime: Any) -> None:
    """10 matches on 2 problems: 10 suggested, 6 approved, 4 introduced, 2 meeting, 1 project, 1 product;
    plus 1 rejected (never approved) and 1 closed after approval."""
    now = datetime.now(timezone.utc)
    with runtime.db.session() as session:
        session.add_all([
            Capability(id="cap:surface", label="Surface engineering"),
            Capability(id="cap:coatings", label="Coatings", parent_id="cap:surface"),
            Capability(id="cap:joining", label="Joining"),
        ])
        p1 = Problem(id="problem:1", title="one", text="first problem", region="Bavaria", created_at=now - timedelta(days=20))
        p2 = Problem(id="problem:2", title="two", text="second problem", region="=cmd|' /C calc'!A0",
                     created_at=now - timedelta(days=10))
        session.add_all([p1, p2])
        session.flush()
        # (problem, stage now, steps reached with days after posting, value, capabilities)
        plan = [
            (p1, "commercialised", [("approved", 1), ("introduced", 2), ("meeting", 3), ("project_started", 4),
                                    ("commercialised", 5)], 1000.0, ["Coatings"]),
            (p1, "meeting", [("approved", 1), ("introduced", 6), ("meeting", 7)], None, ["Coatings"]),
            (p1, "introduced", [("approved", 1), ("introduced", 8)], None, ["Joining"]),
            (p1, "closed", [("approved", 1), ("closed", 2)], None, ["Joining"]),
            (p2, "introduced", [("approved", 1), ("introduced", 4)], None, []),
            (p2, "approved", [("approved", 1)], None, []),
            (p2, "rejected", [("rejected", 1)], None, []),
            (p2, "suggested", [], None, []),
            (p2, "suggested", [], None, []),
            (p2, "suggested", [], None, []),
        ]
        for i, (problem, stage, steps, value, caps) in enumerate(plan):
            match = Match(problem_id=problem.id, entity_id=f"researcher:{i}", entity_kind="researcher",
                          entity_name=f"R{i}", stage=stage, capabilities=caps, components={"lexical": 0.1 * i})
            session.add(match)
            session.flush()
            for step, days in steps:
                session.add(MatchEvent(match_id=match.id, stage=step, decision="stage",
                                       at=problem.created_at + timedelta(days=days),
                                       value=value if step == "project_started" else None))


def test_funnel_conversion_and_median(runtime: Any) -> None:
    _known_data(runtime)
    tower = control_tower.tower(runtime)
    funnel = tower.table("funnel")
    assert funnel is not None
    assert [(r[0], r[1]) for r in funnel.rows] == [("Suggested", 10), ("Approved", 6), ("Introduced", 4),
                                                   ("Meeting", 2), ("Project started", 1), ("Commercialised", 1)]
    assert [r[2] for r in funnel.rows] == ["100.0%", "60.0%", "66.7%", "50.0%", "50.0%", "100.0%"]
    assert [r[3] for r in funnel.rows] == ["100.0%", "60.0%", "40.0%", "20.0%", "10.0%", "10.0%"]
    assert (tower.matches, tower.problems, tower.rejected, tower.closed) == (10, 2, 1, 1)
    # first introductions: problem 1 after 2 days, problem 2 after 4 days -> median 3
    assert tower.median_days_to_introduction == 3.0 and tower.introductions_timed == 2
    timing = tower.table("time_to_introduction")
    assert timing is not None and timing.rows[0] == ("All regions", 2, 3.0)


def test_region_and_capability_tables(runtime: Any) -> None:
    _known_data(runtime)
    tower = control_tower.tower(runtime)
    regions = {r[0]: r[1:] for r in tower.table("regions").rows}  # type: ignore[union-attr]
    # problems, matches, approved, introduced, projects, commercialised, value
    assert regions["Bavaria"] == (1, 4, 4, 3, 1, 1, 1000.0)
    assert regions["=cmd|' /C calc'!A0"] == (1, 6, 2, 1, 0, 0, 0)
    areas = {r[0]: r[1:] for r in tower.table("capabilities").rows}  # type: ignore[union-attr]
    # "Coatings" rolls up to its top-level area
    assert areas["Surface engineering"] == (2, 2, 2, 1, 1, 1000.0)
    assert areas["Joining"] == (2, 2, 1, 0, 0, 0)
    assert areas[control_tower.OTHER_AREA][0] == 6


def test_empty_tower_has_no_division_by_zero(runtime: Any) -> None:
    tower = control_tower.tower(runtime)
    assert tower.median_days_to_introduction is None
    assert [r[1] for r in tower.table("funnel").rows] == [0] * 6  # type: ignore[union-attr]


def test_csv_guards_against_formulas() -> None:
    assert csvexport.safe_cell("=SUM(A1)") == "'=SUM(A1)"
    for risky in ("+1", "-1+2", "@cmd", "\tx"):
        assert csvexport.safe_cell(risky) == "'" + risky
    assert csvexport.safe_cell("Bavaria") == "Bavaria"
    assert csvexport.safe_cell(-3) == -3 and csvexport.safe_cell(None) == ""
    text = csvexport.to_csv(("Region", "Count"), [("=HYPERLINK(\"x\")", 2), ('a,"b"', 1)])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Region", "Count"], ["'=HYPERLINK(\"x\")", "2"], ['a,"b"', "1"]]


def test_svg_labels_are_escaped() -> None:
    svg = str(charts.bar_chart(["<script>alert(1)</script>", "ok"], [3, 1], "t&t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "t&amp;t" in svg
    assert svg.startswith("<svg") and svg.count("<rect") == 2
    funnel = str(charts.funnel_chart(["A", "B"], [10, 0], "f"))
    assert funnel.count("<rect") == 2
    paired = str(charts.bar_chart(["x", "y"], [4, 2], "p", [1, 0], legend=("Matches", "<Introduced>")))
    assert "1 / 4" in paired and "0 / 2" in paired and "&lt;Introduced&gt;" in paired


def test_control_tower_page_and_csv(staff_client: Any, runtime: Any) -> None:
    _known_data(runtime)
    page = staff_client.get("/admin/control-tower")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 6 and "Funnel by stage" in html  # 4 outcome charts + 2 of the loop
    for key in ("funnel", "time_to_introduction", "regions", "capabilities"):
        response = staff_client.get(f"/admin/control-tower/{key}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
    regions = list(csv.reader(io.StringIO(staff_client.get("/admin/control-tower/regions.csv").get_data(as_text=True))))
    assert ["'=cmd|' /C calc'!A0", "1", "6", "2", "1", "0", "0", "0.0"] in regions
    assert staff_client.get("/admin/control-tower/nope.csv").status_code == 404
