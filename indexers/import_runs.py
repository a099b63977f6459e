"""The life of an ImportRun row: started with its process, kept alive by a heartbeat, finished with the
run's true status (`ok`, `rejects`, `failed`, `interrupted`).

A run killed with SIGKILL cannot mark itself: a `running` row whose process is gone (same host) or
whose heartbeat is older than STALE_AFTER is marked `interrupted` by the next import or by
`flask index check`. Two imports of one file at once are refused instead of racing on the same rows.
"""
from __future__ import annotations

import os
import socket
import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from matcher.models import ImportRun
from matcher.runtime import Runtime
from matcher.timeutil import aware

HEARTBEAT_SECONDS = 30.0
STALE_AFTER = timedelta(minutes=5)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _process_gone(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by someone else
    return False


def is_stale(run: ImportRun, now: datetime | None = None) -> bool:
    """A `running` run nobody is running any more."""
    if run.status != "running":
        return False
    now = now or _now()
    if run.host == socket.gethostname() and run.pid != os.getpid() and _process_gone(run.pid):
        return True
    beat = aware(run.heartbeat_at) or aware(run.started_at)
    return beat is not None and now - beat > STALE_AFTER


def mark_stale_runs(runtime: Runtime) -> list[int]:
    """Mark every stale `running` run `interrupted`; returns their ids."""
    marked: list[int] = []
    with runtime.db.session() as session:
        for run in session.scalars(select(ImportRun).where(ImportRun.status == "running")):
            if is_stale(run):
                run.status = "interrupted"
                run.finished_at = _now()
                run.message = (f"process {run.pid} on {run.host} stopped without finishing "
                               f"(last heartbeat {run.heartbeat_at}); re-run the import to complete it")
                marked.append(run.id)
    return marked


def running_import_of(runtime: Runtime, path: str) -> int | None:
    """The id of a live run importing this path, if any."""
    with runtime.db.session() as session:
        return session.scalar(select(ImportRun.id).where(ImportRun.status == "running", ImportRun.path == path))


def start_run(runtime: Runtime, kind: str, path: str, fmt: str | None) -> int:
    with runtime.db.session() as session:
        run = ImportRun(kind=kind, path=path, format=fmt, status="running", rejects=[], host=socket.gethostname(),
                        pid=os.getpid(), heartbeat_at=_now())
        session.add(run)
        session.flush()
        return run.id


def finish_run(runtime: Runtime, run_id: int, *, status: str, loaded: int, skipped: int, rejected: int,
               rejects: list[str], message: str | None = None) -> None:
    with runtime.db.session() as session:
        run = session.get(ImportRun, run_id)
        if run is None:
            return
        run.loaded, run.skipped, run.rejected = loaded, skipped, rejected
        run.rejects = rejects[:1000]
        run.finished_at = _now()
        run.status = status
        run.message = message


class Heartbeat:
    """A daemon thread that stamps the run every HEARTBEAT_SECONDS while the import lives."""

    def __init__(self, runtime: Runtime, run_id: int, every: float = HEARTBEAT_SECONDS) -> None:
        self.runtime = runtime
        self.run_id = run_id
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"import-heartbeat-{run_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with self.runtime.db.session() as session:
                    run = session.get(ImportRun, self.run_id)
                    if run is not None and run.status == "running":
                        run.heartbeat_at = _now()
            except Exception:  # noqa: BLE001 - a missed beat only makes the run look older
                continue
