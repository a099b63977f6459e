"""source -> parse -> extract capabilities -> SQL -> index, idempotent and committed in batches.

A bad row is reported (`file:line: field: reason`) and kept out; the good rows are stored. Each
batch is one transaction, so a crash leaves no half-written record and a re-run finishes the job:
ids are stable and unchanged documents are skipped.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from indexers.sources import parse
from indexers.sources.records import Parsed, RowError, Skipped
from indexers.taxonomy import ensure_taxonomy
from indexers.writer import StoreWriter
from matcher.capabilities.extractor import get_extractor
from matcher.models import ImportRun
from matcher.runtime import Runtime

KINDS = ("firms", "publications", "awards", "equipment", "projects", "problems")
BATCH_SIZE = 500
MAX_STORED_REJECTS = 5000

Progress = Callable[[int], None]


@dataclass
class ImportReport:
    kind: str
    path: str
    loaded: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    rejects: list[str] = field(default_factory=list)
    reject_file: str | None = None
    run_id: int | None = None
    touched_entities: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    def summary(self) -> str:
        text = (f"{self.kind} from {self.path}: {self.loaded} rows read ({self.unchanged} documents unchanged), "
                f"{self.skipped} skipped, {self.rejected} rejected")
        if self.reject_file:
            text += f"; rejected rows in {self.reject_file}"
        return text


def load(runtime: Runtime, kind: str, path: str | Path, fmt: str | None = None, *, progress: Progress | None = None,
         errors: TextIO | None | bool = True, reject_file: str | Path | None = None, index: bool = True,
         batch_size: int = BATCH_SIZE) -> ImportReport:
    """Import one file of `kind`; returns what happened. Raises ValueError for an unknown kind or format."""
    if errors is True:
        errors = sys.stderr  # resolved per call: a captured or redirected stderr is honoured
    elif errors is False:
        errors = None
    if kind not in KINDS:
        raise ValueError(f"{path}: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    path = Path(path)
    rows = parse(kind, path, fmt)  # validates kind/format/file before anything is written
    ensure_taxonomy(runtime)
    report = ImportReport(kind=kind, path=str(path))
    report.run_id = _start_run(runtime, kind, path, fmt)
    extractor = get_extractor()
    reject_out: TextIO | None = None
    try:
        session = runtime.db.session_factory()
        try:
            writer = StoreWriter(session, extractor)
            in_batch = 0
            for row in rows:
                if isinstance(row, Parsed):
                    writer.write(row.record)
                    report.loaded += 1
                    in_batch += 1
                elif isinstance(row, RowError):
                    report.rejected += 1
                    message = str(row)
                    if len(report.rejects) < MAX_STORED_REJECTS:
                        report.rejects.append(message)
                    if errors is not None:
                        print(message, file=errors)
                    if reject_out is None:
                        reject_out = _open_reject_file(runtime, path, reject_file, report)
                    reject_out.write(message + "\n")
                elif isinstance(row, Skipped):
                    report.skipped += 1
                if in_batch >= batch_size:
                    _commit_batch(session, writer)
                    in_batch = 0
                    if progress:
                        progress(report.loaded)
            _commit_batch(session, writer)
            if progress:
                progress(report.loaded)
            report.unchanged = writer.unchanged
            report.touched_entities = writer.touched_entities
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
    finally:
        if reject_out is not None:
            reject_out.close()
        _finish_run(runtime, report)
    if index and report.touched_entities:
        from matcher.services.indexing import index_entities

        index_entities(runtime, sorted(report.touched_entities))
    return report


def _commit_batch(session, writer: StoreWriter) -> None:  # type: ignore[no-untyped-def]
    writer.flush_evidence()
    session.commit()


def _open_reject_file(runtime: Runtime, path: Path, reject_file: str | Path | None, report: ImportReport) -> TextIO:
    """Rejected rows go next to the instance data, never beside a (possibly read-only) source file."""
    if reject_file is None:
        base = Path(runtime.settings.get("INDEX_DIR", "instance/index")).parent / "rejects"
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        reject_file = base / f"{path.name}.{stamp}.rejects.txt"
    reject_path = Path(reject_file)
    reject_path.parent.mkdir(parents=True, exist_ok=True)
    report.reject_file = str(reject_path)
    return reject_path.open("w", encoding="utf-8")


def _start_run(runtime: Runtime, kind: str, path: Path, fmt: str | None) -> int:
    with runtime.db.session() as session:
        run = ImportRun(kind=kind, path=str(path), format=fmt, status="running", rejects=[])
        session.add(run)
        session.flush()
        return run.id


def _finish_run(runtime: Runtime, report: ImportReport) -> None:
    with runtime.db.session() as session:
        run = session.get(ImportRun, report.run_id)
        if run is None:
            return
        run.loaded = report.loaded
        run.skipped = report.skipped
        run.rejected = report.rejected
        run.rejects = report.rejects[:1000]
        run.finished_at = datetime.now(timezone.utc)
        run.status = "ok" if report.ok else "rejected_rows"
