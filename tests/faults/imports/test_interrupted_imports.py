"""kill -9 in the middle of an import, two imports of one file at once, an index that lost entries:
SQL and the index end consistent, and every run's recorded status is what happened."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from indexers.demo import DEMO_DIR
from indexers.ingest import load
from matcher.models import Document, ImportRun
from matcher.index_check import check_index
from tests.faults.imports.stored import last_run

ROOT = Path(__file__).resolve().parents[3]


def _awards(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "awards.jsonl"
    with (DEMO_DIR / "nsf_awards.jsonl").open(encoding="utf-8") as f:
        path.write_text("".join(line for _, line in zip(range(n), f)), encoding="utf-8")
    return path


def _cli(app_config: dict, *args: str) -> subprocess.Popen:  # type: ignore[type-arg]
    env = {**os.environ, "DATABASE_URL": app_config["DATABASE_URL"], "INDEX_DIR": app_config["INDEX_DIR"],
           "SEMANTIC_ENABLED": "false", "SECRET_KEY": "test", "INSTANCE_DIR": str(Path(app_config["INDEX_DIR"]).parent)}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _documents(runtime) -> int:  # type: ignore[no-untyped-def]
    with runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


@pytest.mark.slow
def test_kill_9_mid_import_then_rerun_leaves_sql_and_index_consistent(app_config, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _awards(tmp_path, 2200)  # the first batch of 500 commits long before the last of 2,200
    child = _cli(app_config, "index", "load", "awards", str(path))
    deadline = time.monotonic() + 300
    while _documents(runtime) < 500 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the first batch (500 rows) is committed; indexing comes at the end
    assert child.poll() is None, child.communicate()
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert last_run(runtime).status == "running"
    assert check_index(runtime).missing  # SQL has documents the index never got

    report = load(runtime, "awards", path, errors=None)
    assert report.status == "ok" and report.unchanged >= 500
    assert last_run(runtime).status == "ok"
    with runtime.db.session() as session:
        statuses = sorted(session.scalars(select(ImportRun.status)))
    assert statuses == ["interrupted", "ok"]  # the killed run is marked, not left running forever
    check = check_index(runtime)
    assert check.consistent, check.as_dict()
    assert check.expected > 2200  # 2,200 awards plus their researchers', labs' and organisations' profiles


def test_index_check_finds_and_repairs_deleted_entries(runner, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load(runtime, "awards", _awards(tmp_path, 40), errors=None)
    with runtime.db.session() as session:
        victims = list(session.scalars(select(Document.id).order_by(Document.id).limit(7)))
    profiles = sorted(i for i in runtime.search.all_ids() if i.startswith("profile:"))[:3]
    runtime.search.delete(victims + profiles)

    result = runner.invoke(args=["index", "check"])
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert (found["missing"], found["consistent"]) == (10, False)

    result = runner.invoke(args=["index", "check", "--repair"])
    assert result.exit_code == 0 and json.loads(result.stdout)["repaired"] is True
    assert check_index(runtime).consistent
    assert runtime.search.present_ids(victims + profiles) == set(victims + profiles)


def test_index_check_deletes_ids_sql_no_longer_has(runner, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load(runtime, "awards", _awards(tmp_path, 10), errors=None)
    with runtime.db.session() as session:
        doc = session.scalars(select(Document)).first()
        doc_id = doc.id
        session.delete(doc)  # researchers with no other document lose their profiles too
    result = runner.invoke(args=["index", "check", "--repair"])
    found = json.loads(result.stdout)
    assert found["stale"] >= 1 and doc_id in found["stale_examples"]
    assert check_index(runtime).consistent


@pytest.mark.slow
def test_a_second_import_of_the_same_file_while_one_runs_is_refused(app_config, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _awards(tmp_path, 1200)
    first = _cli(app_config, "index", "load", "awards", str(path))
    deadline = time.monotonic() + 120
    running = None
    while running is None and first.poll() is None and time.monotonic() < deadline:
        with runtime.db.session() as session:
            running = session.scalar(select(ImportRun.id).where(ImportRun.status == "running"))
        time.sleep(0.01)
    assert running is not None
    second = load(runtime, "awards", path, errors=None)  # at once, while the first writes its first batch
    out1, err1 = first.communicate(timeout=600)
    assert "Traceback" not in err1 and "IntegrityError" not in err1
    assert first.returncode == 0, err1[-500:]
    assert (second.status, second.exit_code) == ("failed", 2)
    assert f"another import of this file is running (run {running})" in (second.message or "")
    with runtime.db.session() as session:
        statuses = sorted(session.scalars(select(ImportRun.status)))
    assert statuses == ["failed", "ok"]
    assert _documents(runtime) == 1200


def test_a_stale_running_run_is_marked_interrupted(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old = datetime.now(timezone.utc) - timedelta(hours=2)
    with runtime.db.session() as session:
        session.add(ImportRun(kind="awards", path="/elsewhere/x.jsonl", status="running", rejects=[], host="another-host",
                              pid=1, started_at=old, heartbeat_at=old))
    load(runtime, "awards", _awards(tmp_path, 3), errors=None)
    with runtime.db.session() as session:
        run = session.scalars(select(ImportRun).where(ImportRun.path == "/elsewhere/x.jsonl")).one()
        assert run.status == "interrupted" and "re-run the import" in (run.message or "")
