"""Digest run benchmark: seconds per recipient with N researchers opted in (issue target: <= 1 s at 1,000).

Usage:
    .venv/bin/python benchmarks/digests.py [--researchers 1000] [--database sqlite:////path/app.db --index DIR]

Without --database it builds the bundled demo in a temporary directory first (as `make run` does).
The database is copied (SQLite) before anything is changed, so a demo you use stays as it was.
It opts in the N researchers with the most capability evidence (weekly, last digest 8 days ago, an
example.org address each), then times one `digests send` run end to end: building every digest
(matching each new item once, capability reasons per researcher) and rendering each message (text +
HTML) to the in-memory mail provider; no SMTP. The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_demo(directory: Path) -> tuple[str, str]:
    """A fresh demo database and index in `directory` (minutes: it is the real demo load)."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{directory / 'app.db'}", INDEX_DIR=str(directory / "index"))
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"], ["demo", "load", "--if-empty"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return env["DATABASE_URL"], env["INDEX_DIR"]


def opt_in(runtime: object, count: int, now: datetime) -> int:
    """Opt in the `count` researchers with the most evidence; returns how many were opted in."""
    from sqlalchemy import func, select, update

    from matcher.models import CapabilityEvidence, DocumentEntity, Researcher

    with runtime.db.session() as session:  # type: ignore[attr-defined]
        ids = session.scalars(
            select(DocumentEntity.entity_id)
            .join(CapabilityEvidence, CapabilityEvidence.entity_id == DocumentEntity.document_id)
            .where(DocumentEntity.entity_kind == "researcher")
            .group_by(DocumentEntity.entity_id)
            .order_by(func.count().desc(), DocumentEntity.entity_id).limit(count)).all()
        for n, researcher_id in enumerate(ids):
            session.execute(update(Researcher).where(Researcher.id == researcher_id).values(
                email=f"bench.researcher{n}@example.org", digest_frequency="weekly",
                last_digest_at=(now - timedelta(days=8)).replace(tzinfo=None)))
    return len(ids)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--researchers", type=int, default=1000)
    parser.add_argument("--database", help="a SQLite URL of a loaded demo (copied first)")
    parser.add_argument("--index", help="its INDEX_DIR")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="innobridge-digests-") as tmp:
        work = Path(tmp)
        if args.database:
            source = Path(args.database.removeprefix("sqlite:///"))
            shutil.copy(source, work / "app.db")
            database, index = f"sqlite:///{work / 'app.db'}", args.index
        else:
            print("building the demo (a few minutes)...", file=sys.stderr, flush=True)
            database, index = build_demo(work)

        from matcher.services.digest_sending import send_digests
        from web import create_app
        from web.mail.digests import deliver_digest

        app = create_app({"DATABASE_URL": database, "INDEX_DIR": index, "MAIL_PROVIDER": "memory",
                          "SEARCH_CACHE_SECONDS": 0})
        runtime = app.extensions["innobridge"]
        now = datetime.now(timezone.utc)
        opted = opt_in(runtime, args.researchers, now)
        with app.app_context():
            started, cpu0 = time.perf_counter(), time.process_time()
            report = send_digests(runtime, deliver_digest, frequency="weekly", now=now)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu0
        runtime.close()
    sent = report.count("sent")
    result = {
        "researchers_opted_in": opted, "sent": sent, "nothing_new": report.count("nothing_new"),
        "failed": report.count("failed"), "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
        "seconds_per_recipient": round(seconds / max(opted, 1), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
