"""Pages tell the truth: project status from its dates, money with currency and separators, audit as a diff."""
from __future__ import annotations

from datetime import date
from typing import Any

from matcher.models import InstituteProject
from matcher.services import curation
from matcher.services.display import money, project_status

from tests.factories.admin import World

TODAY = date(2026, 11, 30)


def test_project_status_follows_the_dates() -> None:
    assert project_status("ongoing", date(2008, 9, 1), date(2012, 8, 31), today=TODAY) == "finished (2012-08-31)"
    assert project_status(None, date(2027, 1, 1), date(2029, 1, 1), today=TODAY) == "planned (starts 2027-01-01)"
    assert project_status("closed", date(2025, 1, 1), date(2027, 6, 30), today=TODAY) == "running until 2027-06-30"
    assert project_status("ongoing", date(2025, 1, 1), None, call_open=date(2026, 11, 1),
                          call_close=date(2026, 12, 15), today=TODAY) == "call open until 2026-12-15"
    assert project_status("terminated", date(2025, 1, 1), date(2027, 1, 1), today=TODAY) == "terminated"
    assert project_status("signed", None, None, today=TODAY) == "signed"


def test_money_has_currency_and_separators() -> None:
    assert money(10947606, "EUR") == "EUR 10,947,606"
    assert money(1234.5, "EUR") == "EUR 1,234.50"
    assert money(None, "EUR") is None


def test_project_page_and_audit_diff(staff_client: Any, runtime: Any, world: World) -> None:
    with runtime.db.session() as s:
        s.add(InstituteProject(id="project:innoshade", acronym="INNOSHADE", title="Switchable shading",
                               status="ongoing", start_date=date(2008, 9, 1), end_date=date(2012, 8, 31),
                               total_cost=10947606.0))
    page = staff_client.get("/entities/project:innoshade").get_data(as_text=True)
    assert "finished (2012-08-31)" in page and "EUR 10,947,606" in page and "ongoing" not in page
    curation.approve(runtime, world.match_ids[0], world.coordinator_id)
    curation.annotate(runtime, world.match_ids[0], world.coordinator_id, "call them first")
    audit = staff_client.get("/admin/audit").get_data(as_text=True)
    assert "<strong>stage</strong>: <del>suggested</del> → <ins>approved</ins>" in audit
    assert "<strong>note</strong>: <del>—</del> → <ins>call them first</ins>" in audit
    assert "&#34;sme_consented&#34;" not in audit and '"sme_consented"' not in audit  # no raw JSON dumps
