"""Curation and outcome services on stored matches: decisions, labels, audit rows, transitions."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from matcher.models import AuditLog, Match, MatchEvent
from matcher.services import audit, curation, outcomes

from tests.factories.admin import World
from tests.mail.smtpd import Inbox


def _today() -> date:
    return datetime.now(timezone.utc).date()


def _match(runtime: Any, match_id: int) -> Match:
    with runtime.db.session() as session:
        return session.get(Match, match_id)


def _events(runtime: Any, match_id: int) -> list[MatchEvent]:
    with runtime.db.session() as session:
        return list(session.scalars(select(MatchEvent).where(MatchEvent.match_id == match_id).order_by(MatchEvent.id)))


def _audits(runtime: Any, action: str | None = None) -> list[AuditLog]:
    with runtime.db.session() as session:
        query = select(AuditLog).order_by(AuditLog.id)
        if action:
            query = query.where(AuditLog.action == action)
        return list(session.scalars(query))


def test_approve_writes_event_with_features_and_audit(runtime: Any, world: World) -> None:
    first = world.match_ids[0]
    curation.approve(runtime, first, world.coordinator_id)
    assert _match(runtime, first).stage == "approved"
    [event] = _events(runtime, first)
    assert (event.decision, event.stage, event.user_id) == ("approve", "approved", world.coordinator_id)
    assert event.features["lexical"] == 0.6 and event.features["semantic"] == 0.3 and event.features["rank"] == 1
    [row] = _audits(runtime, "match.approve")
    assert row.user_id == world.coordinator_id and row.target_id == str(first)
    assert row.before["stage"] == "suggested" and row.after["stage"] == "approved"


def test_reject_requires_a_reason(runtime: Any, world: World) -> None:
    second = world.match_ids[1]
    with pytest.raises(curation.CurationError, match="reason"):
        curation.reject(runtime, second, world.coordinator_id, "   ")
    assert _match(runtime, second).stage == "suggested"
    assert _events(runtime, second) == [] and _audits(runtime) == []
    curation.reject(runtime, second, world.coordinator_id, "works on welding, not coatings")
    row = _match(runtime, second)
    assert row.stage == "rejected" and row.closed_reason == "works on welding, not coatings"
    assert _events(runtime, second)[0].note == "works on welding, not coatings"


def test_pin_and_annotate(runtime: Any, world: World) -> None:
    third = world.match_ids[2]
    curation.set_pinned(runtime, third, world.coordinator_id, True)
    curation.annotate(runtime, third, world.coordinator_id, "call the lab head first")
    row = _match(runtime, third)
    assert row.pinned and row.note == "call the lab head first"
    assert [e.decision for e in _events(runtime, third)] == ["pin", "annotate"]
    # pinned matches lead the problem's list whatever their rank
    assert curation.get_problem(runtime, world.problem_id).matches[0].id == third
    curation.set_pinned(runtime, third, world.coordinator_id, False)
    assert not _match(runtime, third).pinned
    assert [a.action for a in _audits(runtime)] == ["match.pin", "match.annotate", "match.unpin"]


def test_introduction_mails_both_sides_over_smtp(runtime: Any, world: World, inbox: Inbox, app: Any) -> None:
    first = world.match_ids[0]
    with pytest.raises(curation.CurationError, match="approve"):
        curation.introduce(runtime, first, world.coordinator_id, _smtp_sender(app))
    curation.approve(runtime, first, world.coordinator_id)
    curation.introduce(runtime, first, world.coordinator_id, _smtp_sender(app), base_url="http://localhost")
    assert sorted(r[0] for r in inbox.recipients) == ["ada@uni.example", "owner@acme.example"]
    to_firm = next(m for m in inbox.messages if m["To"] == "owner@acme.example")
    to_researcher = next(m for m in inbox.messages if m["To"] == "ada@uni.example")
    assert "Ada Lovelace" in to_firm.get_content()
    assert "ada@uni.example" not in to_firm.get_content()  # a researcher's email is never shown to a firm
    assert "owner@acme.example" in to_researcher.get_content()
    assert _match(runtime, first).stage == "introduced"
    assert _events(runtime, first)[-1].decision == "introduce"


def test_anonymous_problem_needs_consent_before_introduction(runtime: Any, world: World, inbox: Inbox,
                                                             app: Any) -> None:
    match_id = world.anonymous_match_id
    curation.approve(runtime, match_id, world.coordinator_id)
    with pytest.raises(curation.ConsentRequired, match="consent"):
        curation.introduce(runtime, match_id, world.coordinator_id, _smtp_sender(app))
    assert inbox.messages == [] and _match(runtime, match_id).stage == "approved"
    with pytest.raises(PermissionError):
        curation.record_consent(runtime, match_id, world.researcher_user_id, "researcher")
    curation.record_consent(runtime, match_id, world.sme_id, "sme")  # the owner consents
    assert _match(runtime, match_id).sme_consented
    curation.introduce(runtime, match_id, world.coordinator_id, _smtp_sender(app))
    assert len(inbox.messages) == 2 and _match(runtime, match_id).stage == "introduced"


def test_lab_introduction_goes_to_a_lab_member(runtime: Any, world: World, inbox: Inbox, app: Any) -> None:
    lab_match = world.match_ids[2]
    curation.approve(runtime, lab_match, world.coordinator_id)
    curation.introduce(runtime, lab_match, world.coordinator_id, _smtp_sender(app))
    assert sorted(r[0] for r in inbox.recipients) == ["bob@uni.example", "owner@acme.example"]


def test_failed_mail_changes_nothing(runtime: Any, world: World) -> None:
    first = world.match_ids[0]
    curation.approve(runtime, first, world.coordinator_id)

    def refuse(to: str, subject: str, text: str) -> str:
        raise OSError("mail server down")

    with pytest.raises(OSError):
        curation.introduce(runtime, first, world.coordinator_id, refuse)
    assert _match(runtime, first).stage == "approved"
    assert [a.action for a in _audits(runtime)] == ["match.approve"]


def _smtp_sender(app: Any) -> curation.Sender:
    from web.mail import OutgoingMail, send_mail

    def send(to: str, subject: str, text: str) -> str:
        with app.app_context():
            return send_mail(OutgoingMail(to=to, subject=subject, text=text))

    return send


def _introduced(runtime: Any, world: World, match_id: int, app: Any) -> None:
    curation.approve(runtime, match_id, world.coordinator_id)
    curation.introduce(runtime, match_id, world.coordinator_id, _smtp_sender(app))


def test_outcome_transitions(runtime: Any, world: World, app: Any) -> None:
    first = world.match_ids[0]
    with pytest.raises(outcomes.OutcomeError, match="forward"):
        outcomes.advance(runtime, first, world.coordinator_id, "meeting")  # not introduced yet
    _introduced(runtime, world, first, app)
    outcomes.advance(runtime, first, world.coordinator_id, "meeting")
    with pytest.raises(outcomes.OutcomeError):
        outcomes.advance(runtime, first, world.coordinator_id, "meeting")  # no repeating a step
    with pytest.raises(outcomes.OutcomeError, match="future"):
        outcomes.advance(runtime, first, world.coordinator_id, "project_started",
                         at=_today() + timedelta(days=30))
    with pytest.raises(outcomes.OutcomeError, match="before the problem"):
        outcomes.advance(runtime, first, world.coordinator_id, "project_started",
                         at=_today() - timedelta(days=300))
    outcomes.advance(runtime, first, world.coordinator_id, "project_started", value=120000.0, note="contract signed")
    outcomes.advance(runtime, first, world.coordinator_id, "commercialised", product="GearCoat X")
    with pytest.raises(outcomes.OutcomeError):  # never backwards silently
        outcomes.advance(runtime, first, world.coordinator_id, "meeting")
    line = outcomes.timeline(runtime, first)
    assert [e.stage for e in line.events] == ["approved", "introduced", "meeting", "project_started",
                                              "commercialised"]
    assert line.events[3].value == 120000.0 and line.events[4].product == "GearCoat X"
    assert line.next_stages == ()
    with pytest.raises(outcomes.OutcomeError, match="reason"):
        outcomes.correct(runtime, first, world.coordinator_id, "meeting", "")
    outcomes.correct(runtime, first, world.coordinator_id, "meeting", "the product launch was cancelled")
    assert _match(runtime, first).stage == "meeting"
    assert _audits(runtime, "match.correct")[0].before["stage"] == "commercialised"


def test_outcome_dated_in_the_past(runtime: Any, world: World, app: Any) -> None:
    first = world.match_ids[0]
    curation.approve(runtime, first, world.coordinator_id)
    with pytest.raises(outcomes.OutcomeError, match="before the problem"):  # posted 10 days ago
        curation.introduce(runtime, first, world.coordinator_id, _smtp_sender(app),
                           at=_today() - timedelta(days=12))
    curation.introduce(runtime, first, world.coordinator_id, _smtp_sender(app), at=_today() - timedelta(days=8))
    with pytest.raises(outcomes.OutcomeError, match="previous step"):
        outcomes.advance(runtime, first, world.coordinator_id, "meeting", at=_today() - timedelta(days=9))
    outcomes.advance(runtime, first, world.coordinator_id, "meeting", at=_today() - timedelta(days=5))
    line = outcomes.timeline(runtime, first)
    dates = {e.stage: e.at.date() for e in line.events}
    assert dates == {"approved": _today(), "introduced": _today() - timedelta(days=8),
                     "meeting": _today() - timedelta(days=5)}
    assert [e.stage for e in line.events] == ["introduced", "meeting", "approved"]  # the timeline is by date
    second = world.match_ids[1]
    with pytest.raises(outcomes.OutcomeError, match="reason"):
        outcomes.close(runtime, second, world.coordinator_id, "")
    outcomes.close(runtime, second, world.coordinator_id, "firm chose another partner")
    line = outcomes.timeline(runtime, second)
    assert line.stage == "closed" and line.closed_reason == "firm chose another partner"
    with pytest.raises(outcomes.OutcomeError):
        outcomes.close(runtime, second, world.coordinator_id, "again")


def test_audit_filters(runtime: Any, world: World) -> None:
    curation.approve(runtime, world.match_ids[0], world.coordinator_id)
    curation.reject(runtime, world.match_ids[1], world.admin_id, "off topic")
    entries, total = audit.list_entries(runtime, audit.AuditFilter(user="admin@"))
    assert total == 1 and entries[0].action == "match.reject"
    entries, total = audit.list_entries(runtime, audit.AuditFilter(user=str(world.coordinator_id)))
    assert [e.action for e in entries] == ["match.approve"]
    assert audit.list_entries(runtime, audit.AuditFilter(action="match.approve"))[1] == 1
    assert audit.list_entries(runtime, audit.AuditFilter(target=str(world.match_ids[1])))[1] == 1
    assert audit.list_entries(runtime, audit.AuditFilter(target="%"))[1] == 0  # wildcards are literal
    today = datetime.now(timezone.utc).date()
    assert audit.list_entries(runtime, audit.AuditFilter(since=today, until=today))[1] == 2
    assert audit.list_entries(runtime, audit.AuditFilter(until=today - timedelta(days=1)))[1] == 0


def test_export_labels_and_cli(runtime: Any, world: World, runner: Any, tmp_path: Any, app: Any) -> None:
    curation.approve(runtime, world.match_ids[0], world.coordinator_id)
    curation.reject(runtime, world.match_ids[1], world.coordinator_id, "wrong field")
    _introduced(runtime, world, world.match_ids[2], app)
    out = tmp_path / "labels.jsonl"
    result = runner.invoke(args=["curation", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["decision"], r["candidate"]["entity_id"]) for r in lines] == [
        ("approve", "researcher:a"), ("reject", "researcher:b"), ("approve", "lab:tribo"), ("introduce", "lab:tribo")]
    reject = lines[1]
    assert reject["reason"] == "wrong field" and reject["stage"] == "rejected"
    assert reject["problem"] == {"id": "problem:gears", "title": "Gear wear at high load",
                                 "text": "Our gearboxes wear quickly under high load; we need better coatings."}
    assert reject["candidate"] == {"entity_id": "researcher:b", "kind": "researcher", "name": "Bob Builder"}
    assert reject["features"]["lexical"] == 0.4 and reject["user_id"] == world.coordinator_id
    assert datetime.fromisoformat(reject["timestamp"]).tzinfo is not None
    stdout = runner.invoke(args=["curation", "export"])
    assert stdout.exit_code == 0 and len(stdout.output.strip().splitlines()) == 4
