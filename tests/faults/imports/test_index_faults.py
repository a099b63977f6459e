"""A missing or corrupted index: 503 with a clear message wherever the index is needed, never a 500 and
never a silent empty index over a database with documents; `index rebuild` recovers from any corruption;
a rebuild job left `running` by a crashed worker expires instead of blocking every later rebuild."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from matcher.models import Job
from matcher.services import jobs
from tests.factories import csrf_token, login
from web import create_app

QUERY = "/search?q=porosity+laser+welding+aluminium"
API = "/api/v1/search?q=porosity+laser+welding+aluminium"


def _post_problem(client: Any) -> Any:
    token = csrf_token(client, "/problems/new")
    return client.post("/problems/new", data={
        "title": "Porosity in laser welded aluminium", "text": "Our aluminium housings show porosity after welding.",
        "region": "South", "trl": "4", "visibility": "public", "csrf_token": token})


def _assert_503_everywhere(client: Any) -> None:
    assert client.get(QUERY).status_code == 503
    api = client.get(API)
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert "flask --app wsgi index rebuild" in api.json["detail"]
    login(client, "sme@firm.example.com")
    assert _post_problem(client).status_code == 503


def test_index_removed_while_serving_is_503_not_500(client, runtime, world) -> None:  # type: ignore[no-untyped-def]
    assert client.get(QUERY).status_code == 200
    shutil.rmtree(runtime.settings["INDEX_DIR"])
    _assert_503_everywhere(client)


def test_restart_over_a_lost_index_refuses_instead_of_serving_an_empty_one(app_config, runtime, world) -> None:  # type: ignore[no-untyped-def]
    shutil.rmtree(runtime.settings["INDEX_DIR"])
    restarted = create_app(app_config)
    try:
        client = restarted.test_client()
        health = client.get("/healthz")
        assert health.status_code == 503 and "index rebuild" in health.get_data(as_text=True)
        _assert_503_everywhere(client)
        assert not (Path(app_config["INDEX_DIR"]) / "meta.json").exists()  # no empty index was created

        result = restarted.test_cli_runner().invoke(args=["index", "rebuild"])
        assert result.exit_code == 0, result.output
        assert client.get("/healthz").status_code == 200
        assert "Ada Welder" in client.get(QUERY).get_data(as_text=True)
    finally:
        restarted.extensions["innobridge"].close()


@pytest.mark.parametrize("damage", ["garbage_meta", "truncated_segment"])
def test_rebuild_recovers_from_a_corrupted_index(damage: str, client, runner, runtime, world) -> None:  # type: ignore[no-untyped-def]
    index_dir = Path(runtime.settings["INDEX_DIR"])
    runtime.search.close()
    if damage == "garbage_meta":
        (index_dir / "meta.json").write_text("{not json at all", encoding="utf-8")
    else:
        segment = max((p for p in index_dir.iterdir() if p.suffix in (".idx", ".store", ".term")),
                      key=lambda p: p.stat().st_size)
        segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 3])
    response = client.get(QUERY)
    assert response.status_code in (200, 503)  # a damaged segment may still answer from its other files
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 0, result.output
    page = client.get(QUERY)
    assert page.status_code == 200 and "Ada Welder" in page.get_data(as_text=True)


def test_a_rebuild_job_left_running_by_a_crashed_worker_expires(runtime, world) -> None:  # type: ignore[no-untyped-def]
    old = datetime.now(timezone.utc) - timedelta(hours=3)
    with runtime.db.session() as session:
        session.add(Job(name="rebuild_index", status="running", created_at=old, heartbeat_at=old))
    job_id = jobs.start(runtime, "rebuild_index", lambda rt, progress: 1, None, wait=True)
    assert jobs.get(runtime, job_id).status == "done"
    stale = [j for j in jobs.recent(runtime) if j.id != job_id]
    assert stale[0].status == "failed" and "worker" in (stale[0].message or "")
