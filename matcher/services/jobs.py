"""Background jobs (an index rebuild) run in a thread, writing their progress to a Job row.

A thread is enough for one operator pressing "rebuild" now and then; the Job row makes the
progress visible to any worker process that serves the polling page.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone


from matcher.models import Job
from matcher.repositories import operations as queries
from matcher.runtime import Runtime
from matcher.timeutil import aware

from . import audit

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Work = Callable[[Runtime, Progress], object]
HEARTBEAT_SECONDS = 30.0
#: A queued/running job not stamped for this long lost its worker (a crash or a restart).
STALE_AFTER = timedelta(minutes=10)


class JobError(RuntimeError):
    """A job that cannot be started (e.g. the same job is already running)."""


@dataclass(frozen=True)
class JobView:
    id: int
    name: str
    status: str
    done: int
    total: int
    message: str | None
    created_at: datetime | None
    finished_at: datetime | None

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "status": self.status, "done": self.done, "total": self.total,
                "percent": self.percent, "message": self.message,
                "finished": self.status in ("done", "failed")}


def _view(job: Job) -> JobView:
    return JobView(id=job.id, name=job.name, status=job.status, done=job.done, total=job.total, message=job.message,
                   created_at=job.created_at, finished_at=job.finished_at)


def get(runtime: Runtime, job_id: int) -> JobView | None:
    with runtime.db.session() as session:
        job = session.get(Job, job_id)
        return _view(job) if job is not None else None


def recent(runtime: Runtime, limit: int = 10) -> list[JobView]:
    with runtime.db.session() as session:
        return [_view(j) for j in queries.recent_jobs(session, limit)]


def _update(runtime: Runtime, job_id: int, **values: object) -> None:
    with runtime.db.session() as session:
        job = session.get(Job, job_id)
        if job is not None:
            for key, value in values.items():
                setattr(job, key, value)
            job.heartbeat_at = datetime.now(timezone.utc)


def run(runtime: Runtime, job_id: int, work: Work) -> None:
    """Run `work` for a job, recording progress, the result and any failure on the Job row.

    Never raises: it runs in a thread, where an exception would only be lost.
    """
    def progress(done: int, total: int) -> None:
        _update(runtime, job_id, done=int(done), total=int(total))

    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(runtime, job_id, stop), name=f"job-beat-{job_id}", daemon=True)
    beat.start()
    try:
        _update(runtime, job_id, status="running")
        result = work(runtime, progress)
        _update(runtime, job_id, status="done", message=f"finished: {result}", finished_at=datetime.now(timezone.utc))
    except Exception as exc:  # noqa: BLE001 - the failure is the job's result, shown to the operator
        log.exception("job %s failed", job_id)
        try:
            _update(runtime, job_id, status="failed", message=f"{type(exc).__name__}: {exc}"[:2000],
                    finished_at=datetime.now(timezone.utc))
        except Exception:  # noqa: BLE001 - the database itself is gone; the log has it
            log.exception("job %s: could not record the failure", job_id)
    finally:
        stop.set()


def _beat(runtime: Runtime, job_id: int, stop: threading.Event) -> None:
    """Stamp the job while its thread lives, however long a step takes without progress."""
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            _update(runtime, job_id)
        except Exception:  # noqa: BLE001 - a missed beat only makes the job look older
            continue


def _worker_gone(job: Job, now: datetime) -> bool:
    """The job's worker crashed or was restarted: its process is gone (same host) or it stopped stamping."""
    if job.host == socket.gethostname() and job.pid and job.pid != os.getpid():
        try:
            os.kill(job.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
    stamp = aware(job.heartbeat_at) or aware(job.created_at)
    return stamp is not None and now - stamp > STALE_AFTER


def _expire_stale(session, name: str) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(timezone.utc)
    for job in queries.open_jobs(session, name):
        if _worker_gone(job, now):
            job.status, job.finished_at = "failed", now
            job.message = f"expired: its worker (pid {job.pid} on {job.host}) stopped without finishing"


def start(runtime: Runtime, name: str, work: Work, user_id: int | None, *, wait: bool = False) -> int:
    """Create the Job row and run `work` in a daemon thread; refuses a second copy of a running job."""
    with runtime.db.session() as session:
        _expire_stale(session, name)
        session.flush()
        busy = queries.open_job_id(session, name)
        if busy is not None:
            raise JobError(f"a {name} job is already running (job {busy})")
        job = Job(name=name, status="queued", started_by=user_id, host=socket.gethostname(), pid=os.getpid(),
                  heartbeat_at=datetime.now(timezone.utc))
        session.add(job)
        session.flush()
        job_id = job.id
        audit.record(session, user_id, "job.start", "job", str(job_id), {}, {"name": name})
    thread = threading.Thread(target=run, args=(runtime, job_id, work), name=f"job-{name}-{job_id}", daemon=True)
    thread.start()
    if wait:
        thread.join()
    return job_id


def rebuild_index_work(runtime: Runtime, progress: Progress) -> int:
    """The index rebuild as a job body."""
    from matcher.indexing import rebuild_index

    return rebuild_index(runtime, progress=progress)


def start_index_rebuild(runtime: Runtime, user_id: int | None, *, wait: bool = False) -> int:
    return start(runtime, "rebuild_index", rebuild_index_work, user_id, wait=wait)


def start_reindex(runtime: Runtime, entity_ids: list[str], user_id: int | None, *, wait: bool = False) -> int:
    """Re-index the documents of some entities (after a merge or an edit) in the background."""
    from matcher.indexing import index_entities

    ids = sorted(set(entity_ids))
    return start(runtime, "reindex", lambda rt, progress: index_entities(rt, ids), user_id, wait=wait)
