"""The curation pages: every action through HTTP, with CSRF, roles, the real SMTP server and the audit page."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from matcher.models import AuditLog, Document, DocumentEntity, Match, Researcher
from matcher.services import curation


from tests.factories.admin import World
from tests.mail.smtpd import Inbox


def _stage(runtime: Any, match_id: int) -> str:
    with runtime.db.session() as session:
        return session.get(Match, match_id).stage


def test_queue_and_problem_pages(staff_client: Any, world: World) -> None:
    html = staff_client.get("/admin/").get_data(as_text=True)
    assert "Gear wear at high load" in html and "Secret welding issue" in html
    page = staff_client.get(f"/admin/problems/{world.problem_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="card match') == 3 and "Ada Lovelace" in html
    assert staff_client.get("/admin/problems/problem:nope").status_code == 404


def test_approve_reject_pin_annotate(staff_client: Any, runtime: Any, world: World) -> None:
    first, second, third = world.match_ids
    assert staff_client.post(f"/admin/matches/{first}/approve").status_code == 302
    assert _stage(runtime, first) == "approved"
    response = staff_client.post(f"/admin/matches/{second}/reject", data={"reason": ""}, follow_redirects=True)
    assert "A reason is required" in response.get_data(as_text=True)
    assert _stage(runtime, second) == "suggested"
    staff_client.post(f"/admin/matches/{second}/reject", data={"reason": "not our field"})
    assert _stage(runtime, second) == "rejected"
    staff_client.post(f"/admin/matches/{third}/pin", data={"pinned": "1"})
    staff_client.post(f"/admin/matches/{third}/annotate", data={"note": "<b>call first</b>"})
    with runtime.db.session() as session:
        row = session.get(Match, third)
        assert row.pinned and row.note == "<b>call first</b>"
    html = staff_client.get(f"/admin/problems/{world.problem_id}").get_data(as_text=True)
    assert "&lt;b&gt;call first&lt;/b&gt;" in html and "<b>call first</b>" not in html
    with runtime.db.session() as session:
        actions = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["match.approve", "match.reject", "match.pin", "match.annotate"]


def test_introduction_through_the_page_reaches_smtp(staff_client: Any, runtime: Any, world: World,
                                                    inbox: Inbox) -> None:
    first = world.match_ids[0]
    staff_client.post(f"/admin/matches/{first}/approve")
    response = staff_client.post(f"/admin/matches/{first}/introduce", follow_redirects=True)
    assert "Introduction sent" in response.get_data(as_text=True)
    assert sorted(r[0] for r in inbox.recipients) == ["ada@uni.example", "owner@acme.example"]
    assert _stage(runtime, first) == "introduced"
    timeline = staff_client.get(f"/admin/matches/{first}").get_data(as_text=True)
    assert "Introduced" in timeline and "Record the next step" in timeline
    staff_client.post(f"/admin/matches/{first}/outcome", data={"stage": "meeting", "date": "", "value": "",
                                                              "product": "", "note": "kick-off"})
    assert _stage(runtime, first) == "meeting"
    staff_client.post(f"/admin/matches/{first}/outcome", data={"stage": "project_started", "value": "50000"})
    assert _stage(runtime, first) == "project_started"
    response = staff_client.post(f"/admin/matches/{first}/outcome", data={"stage": "meeting"}, follow_redirects=True)
    assert _stage(runtime, first) == "project_started"  # not backwards
    response = staff_client.post(f"/admin/matches/{first}/close", data={"reason": ""}, follow_redirects=True)
    assert "A reason is required" in response.get_data(as_text=True)


def test_anonymous_introduction_refused_before_consent(staff_client: Any, runtime: Any, world: World,
                                                       inbox: Inbox) -> None:
    match_id = world.anonymous_match_id
    staff_client.post(f"/admin/matches/{match_id}/approve")
    response = staff_client.post(f"/admin/matches/{match_id}/introduce", follow_redirects=True)
    assert "must consent" in response.get_data(as_text=True)
    assert inbox.messages == [] and _stage(runtime, match_id) == "approved"
    staff_client.post(f"/admin/matches/{match_id}/consent", data={"consented": "1"})
    staff_client.post(f"/admin/matches/{match_id}/introduce")
    assert _stage(runtime, match_id) == "introduced" and len(inbox.messages) == 2


def test_owner_records_consent(app: Any, client: Any, auth: Any, runtime: Any, world: World) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    auth.must_login("ada-login@uni.example")  # a researcher is not the owner
    assert client.post(f"/matches/{world.anonymous_match_id}/consent").status_code == 403
    client.post("/auth/logout")
    auth.must_login("owner@acme.example")
    assert client.post(f"/matches/{world.anonymous_match_id}/consent").status_code == 302
    with runtime.db.session() as session:
        assert session.get(Match, world.anonymous_match_id).sme_consented


def test_add_partner_found_by_search(staff_client: Any, runtime: Any, world: World) -> None:
    from matcher.indexing import rebuild_index

    with runtime.db.session() as session:
        session.add(Researcher(id="researcher:c", name="Cora Coat", name_key="cora coat"))
        session.add(Document(id="document:c", kind="publication", title="Diamond-like carbon coatings against gear wear",
                             text="We study diamond-like carbon coatings that reduce wear of gearbox teeth under "
                                  "high load."))
        session.flush()
        session.add(DocumentEntity(document_id="document:c", entity_id="researcher:c", entity_kind="researcher"))
    rebuild_index(runtime)
    html = staff_client.get(f"/admin/problems/{world.problem_id}?q=carbon+coatings+gear+wear").get_data(as_text=True)
    assert "Cora Coat" in html
    response = staff_client.post(f"/admin/problems/{world.problem_id}/partners",
                                 data={"entity_id": "researcher:c", "query": "carbon coatings gear wear"})
    assert response.status_code == 302
    with runtime.db.session() as session:
        added = session.scalar(select(Match).where(Match.entity_id == "researcher:c"))
        assert added is not None and added.added_by == "coordinator" and added.stage == "suggested"
        assert added.components  # features frozen for learning
        assert added.events[0].decision == "add"
    again = staff_client.post(f"/admin/problems/{world.problem_id}/partners", data={"entity_id": "researcher:c"},
                              follow_redirects=True)
    assert "already a match" in again.get_data(as_text=True)


def test_audit_page_filters(staff_client: Any, world: World) -> None:
    staff_client.post(f"/admin/matches/{world.match_ids[0]}/approve")
    staff_client.post(f"/admin/matches/{world.match_ids[1]}/reject", data={"reason": "no"})
    html = staff_client.get("/admin/audit?action=match.reject").get_data(as_text=True)
    assert html.count("<tr><td>") == 1 and "match.reject" in html
    html = staff_client.get("/admin/audit?user=coord&since=2000-01-01&until=2999-01-01").get_data(as_text=True)
    assert html.count("<tr><td>") == 2
    response = staff_client.get("/admin/audit?since=yesterday")
    assert response.status_code == 200 and "YYYY-MM-DD" in response.get_data(as_text=True)


def test_non_staff_are_denied(app: Any, client: Any, auth: Any, world: World) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    app.config["WTF_CSRF_ENABLED"] = False
    auth.must_login("owner@acme.example")
    for url in ("/admin/", "/admin/audit", "/admin/control-tower", "/admin/control-tower/funnel.csv"):
        assert client.get(url).status_code == 403
    assert client.post(f"/admin/matches/{world.match_ids[0]}/approve").status_code == 403


def test_forms_need_a_csrf_token(app: Any, client: Any, auth: Any, runtime: Any, world: World) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    auth.must_login("coord@innobridge.example")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/matches/{world.match_ids[0]}/approve").status_code == 400
    assert _stage(runtime, world.match_ids[0]) == "suggested"
    curation.approve(runtime, world.match_ids[0], world.coordinator_id)  # the service itself is unaffected
    assert _stage(runtime, world.match_ids[0]) == "approved"


def test_run_the_matcher_for_an_unmatched_problem(staff_client: Any, runtime: Any, world: World, runner: Any) -> None:
    from matcher.models import Problem
    from matcher.indexing import rebuild_index

    with runtime.db.session() as session:
        session.add(Problem(id="problem:new", title="Coating wear", text="Gear coatings wear out too fast.",
                            status="new"))
        session.add(Researcher(id="researcher:c", name="Cora Coat", name_key="cora coat"))
        session.add(Document(id="document:c", kind="publication", title="Coatings against gear wear",
                             text="Hard coatings reduce the wear of gear teeth."))
        session.flush()
        session.add(DocumentEntity(document_id="document:c", entity_id="researcher:c", entity_kind="researcher"))
    rebuild_index(runtime)
    response = staff_client.post("/admin/problems/problem:new/suggest", follow_redirects=True)
    assert "The matcher suggested" in response.get_data(as_text=True)
    with runtime.db.session() as session:
        rows = session.scalars(select(Match).where(Match.problem_id == "problem:new")).all()
        assert "researcher:c" in {m.entity_id for m in rows} and all(m.added_by == "matcher" for m in rows)
        count = len(rows)
    staff_client.post("/admin/problems/problem:new/suggest")  # again: nothing duplicated
    with runtime.db.session() as session:
        assert len(session.scalars(select(Match).where(Match.problem_id == "problem:new")).all()) == count
    result = runner.invoke(args=["curation", "suggest"])  # every new problem already has matches
    assert result.exit_code == 0 and "0 matches suggested" in result.output
