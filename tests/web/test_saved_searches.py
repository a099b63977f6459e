"""Saved searches: new matching partners, equipment or projects are emailed once, through real SMTP on loopback."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from matcher.models import Equipment, SavedSearch, SavedSearchHit
from tests.mail.smtpd import SmtpServer
from tests import factories
from tests.factories import csrf_token, login

QUERY = "fibre laser welding cell for aluminium joining"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_server: SmtpServer) -> dict[str, Any]:
    """Mail goes through `smtp_server` (tests/conftest.py); links point at the public site's address."""
    return {**app_config, "PUBLIC_BASE_URL": "https://innobridge.example.org"}


def _new_equipment(runtime: Any, world: factories.World, key: str, name: str) -> str:
    entity_id = f"equipment:{key}"
    with runtime.db.session() as s:
        s.add(Equipment(id=entity_id, name=name, organization_id=world.organization_id, region="North",
                        category="laser welding", status="available",
                        description="Fibre laser welding cell for aluminium joining with seam tracking."))
    factories.rebuild(runtime)
    return entity_id


def _save(client: Any) -> None:
    login(client, "sme@firm.example.com")
    token = csrf_token(client, "/search?q=" + QUERY.replace(" ", "+"))
    response = client.post("/searches", data={"q": QUERY, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/searches")


def test_alerts_send_new_matches_exactly_once(client, runner, runtime, world, smtp_server) -> None:
    _save(client)
    listing = client.get("/searches").get_data(as_text=True)
    assert QUERY in listing
    with runtime.db.session() as s:
        baseline = set(s.scalars(select(SavedSearchHit.entity_id)))
    assert world.equipment_id in baseline  # what matched when saving is never announced
    first = runner.invoke(args=["alerts", "send"])
    assert first.exit_code == 0 and "0 alerts sent" in first.output and smtp_server.received == []

    new_id = _new_equipment(runtime, world, "second-cell", "Second fibre laser welding cell")
    second = runner.invoke(args=["alerts", "send"])
    assert second.exit_code == 0 and "1 alert sent" in second.output, second.output
    assert [r.rcpt_tos for r in smtp_server.received] == [["sme@firm.example.com"]]
    message = smtp_server.received[0].message
    body = message.get_content()
    assert "Second fibre laser welding cell" in body
    assert f"https://innobridge.example.org/entities/{new_id}" in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    third = runner.invoke(args=["alerts", "send"])
    assert third.exit_code == 0 and "0 alerts sent" in third.output
    assert len(smtp_server.received) == 1  # a second run sends nothing new


def test_a_refused_alert_is_retried_not_duplicated_and_one_click_stops_it(app, client, runner, runtime, world,
                                                                          smtp_server) -> None:
    _save(client)
    _new_equipment(runtime, world, "third-cell", "Third fibre laser welding cell")
    smtp_server.handler.refuse = {1}
    failed = runner.invoke(args=["alerts", "send"])
    assert failed.exit_code == 1 and "1 failed" in failed.output
    retried = runner.invoke(args=["alerts", "send"])
    assert retried.exit_code == 0 and "1 alert sent" in retried.output
    assert len(smtp_server.received) == 1 and "Third fibre" in smtp_server.received[0].message.get_content()

    unsubscribe = smtp_server.received[0].message["List-Unsubscribe"].strip("<>")
    anonymous = app.test_client()  # a mail client: no cookie, no CSRF token
    assert anonymous.post(urlsplit(unsubscribe).path).status_code == 200
    with runtime.db.session() as s:
        assert s.scalar(select(SavedSearch.active)) is False
    _new_equipment(runtime, world, "fourth-cell", "Fourth fibre laser welding cell")
    assert "0 alerts sent" in runner.invoke(args=["alerts", "send"]).output
    assert len(smtp_server.received) == 1
    assert anonymous.post("/alerts/unsubscribe/forged-token").status_code == 400


def test_only_the_owner_stops_a_saved_search(client, runtime, world) -> None:
    _save(client)
    with runtime.db.session() as s:
        search_id = s.scalar(select(SavedSearch.id))
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "other@firm.example.com")
    token = csrf_token(client, "/searches")
    assert QUERY not in client.get("/searches").get_data(as_text=True)
    assert client.post(f"/searches/{search_id}/stop", data={"csrf_token": token}).status_code == 404
    with runtime.db.session() as s:
        assert s.scalar(select(SavedSearch.active)) is True
