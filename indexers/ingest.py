"""source -> parse -> check -> extract capabilities -> SQL -> index, idempotent and committed in batches.

A bad row is reported (`file:line: field: reason`) and kept out; the good rows are stored. A few
batches make one transaction; when the database refuses a transaction, it is rolled back and written
again row by row, so only the offending row is rejected. Nothing here raises for bad input: the run ends
`ok`, `rejects`, `failed` (the file as a whole could not be read) or `interrupted`. A re-run
finishes an interrupted job: ids are stable, unchanged documents are skipped, and those of them
missing from the search index are indexed.
"""
from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TextIO

from indexers import import_runs
from indexers.extract_pool import ExtractionPool, read_ahead
from indexers.record_checks import RecordChecks
from indexers.rejects import RejectLog
from indexers.sources import parse
from indexers.sources.records import Parsed, ParsedRow, RowError, Skipped
from indexers.taxonomy import ensure_taxonomy
from indexers.writer import StoreWriter
from sqlalchemy import Connection
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from matcher.capabilities.extractor import get_extractor
from matcher.runtime import Runtime

log = logging.getLogger(__name__)

KINDS = ("firms", "publications", "awards", "equipment", "projects", "problems")
#: Rows per batch: per chunk sent to the extraction workers, and per flush of the rows and evidence
#: written. 2,000 rather than 500: larger batches touch the same B-tree pages several times per flush
#: (importer CPU -13 to -23% at 20k publications on SQLite).
BATCH_SIZE = 2000
#: Batches per transaction. Each commit writes every B-tree page its transaction touched, and an import
#: touches pages all over the indexes keyed by hashed ids (documents, links, evidence: ~15k pages, 60 MB,
#: per 2,000 publications at 100k), then checkpoints them into the database file; five batches share
#: most of those pages. Replaying SQLite's part of a 100k import alone: commits 10.0-10.7 -> 3.7-4.4 s
#: (wall), CPU 10.5-11.4 -> 8.0-9.4 s. The cost: a refused transaction replays up to 10,000 rows one by
#: one, progress moves in steps of 10,000, and another writer waits for the lock up to a
#: transaction's length (a few seconds) instead of one batch's.
BATCHES_PER_COMMIT = 5
#: SQLite page cache (KiB) of the importing connection while it imports; SQLite's default is 2 MB. An
#: import inserts into indexes keyed by hashed ids (documents, links, evidence), so every batch touches
#: pages all over them, and with the default cache most of those pages were read back from the file
#: (100k publications: importer CPU in inserts 19.3 -> 13.2 s, peak RSS +130 MB).
IMPORT_CACHE_KIB = 65536
#: Extraction worker processes for an import of more than one batch (setting INGEST_WORKERS).
DEFAULT_INGEST_WORKERS = 2
#: Errors that mean the database itself is gone (the run fails), not that one row is bad.
_DATABASE_DOWN = (OperationalError, InterfaceError)
#: Rejects that mean the file as a whole could not be read.
FILE_FIELDS = frozenset({"file", "header", "read"})

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
    status: str = "running"
    message: str | None = None
    touched_entities: set[str] = field(default_factory=set)
    unchanged_documents: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def exit_code(self) -> int:
        """0 ok, 1 some rows rejected, 2 the file (or the run) failed."""
        return {"ok": 0, "rejects": 1}.get(self.status, 2)

    def summary(self) -> str:
        text = (f"{self.kind} from {self.path}: {self.status}; {self.loaded} rows read ({self.unchanged} documents "
                f"unchanged), {self.skipped} skipped, {self.rejected} rejected")
        if self.message:
            text += f"; {self.message}"
        if self.reject_file:
            text += f"; rejected rows in {self.reject_file}"
        return text


def load(runtime: Runtime, kind: str, path: str | Path, fmt: str | None = None, *, progress: Progress | None = None,
         errors: TextIO | None | bool = True, reject_file: str | Path | None = None, index: bool = True,
         batch_size: int = BATCH_SIZE, batches_per_commit: int = BATCHES_PER_COMMIT,
         pool: ExtractionPool | None = None) -> ImportReport:
    """Import one file of `kind`; returns what happened. Raises ValueError for an unknown kind or format.

    `batch_size` rows are written (and extracted ahead) together, `batches_per_commit` batches make one
    transaction. `pool`: extraction workers shared by several imports (the demo load); without it a
    file of more than one batch starts INGEST_WORKERS of its own."""
    if batch_size < 1 or batches_per_commit < 1:
        raise ValueError(f"batch_size and batches_per_commit must be at least 1, got {batch_size}, {batches_per_commit}")
    if errors is True:
        errors = sys.stderr  # resolved per call: a captured or redirected stderr is honoured
    elif errors is False:
        errors = None
    if kind not in KINDS:
        raise ValueError(f"{path}: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    path = Path(path)
    rows = parse(kind, path, fmt)  # validates kind/format/file before anything is written
    ensure_taxonomy(runtime)
    import_runs.mark_stale_runs(runtime)
    report = ImportReport(kind=kind, path=str(path))
    busy = import_runs.running_import_of(runtime, str(path))
    report.run_id = import_runs.start_run(runtime, kind, str(path), fmt)
    if busy is not None:
        report.status, report.message = "failed", f"another import of this file is running (run {busy}); nothing done"
        _finish(runtime, report)
        return report
    rejects = RejectLog(runtime, path, reject_file, errors)
    try:
        with import_runs.Heartbeat(runtime, report.run_id):
            _BatchStore(runtime, report, rejects, batch_size, progress, pool, batches_per_commit).run(rows)
            if index:
                _index(runtime, report)
    except BaseException as exc:
        report.status = "interrupted" if isinstance(exc, (KeyboardInterrupt, SystemExit)) else "failed"
        report.message = f"{type(exc).__name__}: {str(exc)[:500]}"
        if report.status == "failed":
            log.exception("import of %s failed", path)
        _finish(runtime, report, rejects)
        if report.status == "interrupted":
            raise
        return report
    report.status = _status(report)
    _finish(runtime, report, rejects)
    return report


def _status(report: ImportReport) -> str:
    if report.status == "failed":
        return "failed"
    return "rejects" if report.rejected else "ok"


def _finish(runtime: Runtime, report: ImportReport, rejects: RejectLog | None = None) -> None:
    if rejects is not None:
        rejects.close()
        report.reject_file = rejects.path
    assert report.run_id is not None
    import_runs.finish_run(runtime, report.run_id, status=report.status, loaded=report.loaded, skipped=report.skipped,
                           rejected=report.rejected, rejects=report.rejects, message=report.message)


def _index(runtime: Runtime, report: ImportReport) -> None:
    """Index what changed, plus unchanged documents the index lacks (an earlier run was cut short)."""
    from matcher.index_check import index_missing
    from matcher.indexing import index_entities

    if report.touched_entities:
        index_entities(runtime, sorted(report.touched_entities))
    if report.unchanged_documents:
        repaired = index_missing(runtime, report.unchanged_documents)
        if repaired:
            report.message = f"{repaired} unchanged documents or profiles were missing from the index and were indexed"


def _rows(rows: Iterator[ParsedRow], path: str) -> Iterator[ParsedRow]:
    """The parser's rows; a parser that breaks down mid-file becomes one last reject, not a crash."""
    try:
        yield from rows
    except (OSError, ValueError, TypeError, RecursionError, MemoryError, UnicodeError) as exc:
        yield RowError(path, 0, "read", f"reading stopped: {type(exc).__name__}: {str(exc)[:300]}")


def workers_setting(runtime: Runtime) -> int:
    """INGEST_WORKERS: extraction processes for a large import (0: extract in the importing process)."""
    value = runtime.settings.get("INGEST_WORKERS", DEFAULT_INGEST_WORKERS)
    try:
        workers = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"INGEST_WORKERS: expected a whole number, got {value!r}") from None
    if workers < 0:
        raise ValueError(f"INGEST_WORKERS: expected 0 or more, got {workers}")
    return workers


def _extraction_pool(rows: Iterator[ParsedRow], batch_size: int,
                     workers: int) -> tuple[ExtractionPool | None, Iterator[ParsedRow]]:
    """Worker processes for a file of more than one batch (starting them costs seconds; a small file
    is done sooner without), and the rows read ahead into them."""
    if workers == 0:
        return None, rows
    first = list(islice(rows, batch_size + 1))
    rows = chain(first, rows)
    if len(first) <= batch_size:
        return None, rows
    pool = ExtractionPool(workers)
    return pool, read_ahead(rows, batch_size, pool)


@contextmanager
def _import_cache(connection: Connection) -> Iterator[None]:
    """IMPORT_CACHE_KIB of SQLite page cache on the importing connection, the earlier size restored after
    (the pooled connection gives the memory back). Only memory: what is written, and when, is unchanged."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    connection.commit()  # ends the implicit transaction: the session begins and commits its own
    try:
        yield
    finally:
        try:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
            connection.commit()
        except _DATABASE_DOWN:  # the import's own error says more; a closed connection holds no cache
            log.debug("could not restore the page cache size of the importing connection", exc_info=True)


@contextmanager
def _old_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist before the import (the extractor's ~15k patterns and lexicon, the
    models' metadata, the caller's own) out of the collector's full passes while it runs. Each batch's
    rows survive the young collections until their commit, so a full pass came about once a batch and
    scanned that whole heap: ~1 s of the importer's CPU per 20k publications (gc.callbacks). They are
    handed back to the collector after. Where something froze objects already (a warmed-up web worker),
    nothing is changed: unfreezing would hand its objects back too."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _BatchStore:
    """Writes parsed rows in batches, a few batches a transaction; a transaction the database refuses is
    replayed row by row."""

    def __init__(self, runtime: Runtime, report: ImportReport, rejects: RejectLog, batch_size: int,
                 progress: Progress | None, pool: ExtractionPool | None = None,
                 batches_per_commit: int = BATCHES_PER_COMMIT) -> None:
        self.runtime = runtime
        self.report = report
        self.rejects = rejects
        self.batch_size = batch_size
        self.commit_size = batch_size * batches_per_commit
        self.progress = progress
        self.extractor = get_extractor()
        self.checks = RecordChecks()
        self.batch: list[Parsed] = []
        self.shared_pool = pool

    def run(self, rows: Iterator[ParsedRow]) -> None:
        # One connection for the whole import, so its page cache setting holds for every batch (the
        # pool would hand out whichever connection, the heartbeat's too, after each commit).
        with _old_objects_frozen(), self.runtime.db.engine.connect() as connection, _import_cache(connection):
            self._run(rows, self.runtime.db.session_factory(bind=connection))

    def _run(self, rows: Iterator[ParsedRow], session: Session) -> None:
        rows = _rows(rows, self.report.path)
        self.pool: ExtractionPool | None = None
        try:
            if self.shared_pool is not None:
                self.pool, rows = self.shared_pool, read_ahead(rows, self.batch_size, self.shared_pool)
            else:
                self.pool, rows = _extraction_pool(rows, self.batch_size, workers_setting(self.runtime))
            self.session = session
            self.writer = StoreWriter(session, self.extractor, self.pool)
            for row in rows:
                if isinstance(row, Parsed):
                    self._add(row)
                elif isinstance(row, RowError):
                    self._reject(row)
                elif isinstance(row, Skipped):
                    self.report.skipped += 1
            self._commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            if self.pool is not None and self.pool is not self.shared_pool:
                self.pool.close()

    def _reject(self, error: RowError) -> None:
        self.report.rejected += 1
        self.rejects.add(str(error), self.report)
        if error.field in FILE_FIELDS:
            self.report.status = "failed"
            self.report.message = error.reason

    def _add(self, row: Parsed) -> None:
        problem = self.checks.check(row)
        if problem is not None:
            self._reject(problem)
            return
        self.batch.append(row)
        try:
            self.writer.write(row.record)
            if len(self.batch) % self.batch_size == 0 and len(self.batch) < self.commit_size:
                # the batch's rows and evidence, while the workers' results for its chunk are still held
                self.writer.flush_evidence()
        except _DATABASE_DOWN:
            raise
        except Exception:  # noqa: BLE001 - the replay finds the row and names the reason
            self._replay()
            return
        if len(self.batch) >= self.commit_size:
            self._commit()

    def _commit(self) -> None:
        try:
            self.writer.flush_evidence()
            self.session.commit()
        except _DATABASE_DOWN:
            raise
        except Exception:  # noqa: BLE001 - e.g. a constraint the checks could not foresee, or a concurrent import
            self._replay()
            return
        self._harvest(len(self.batch))

    def _harvest(self, stored: int) -> None:
        self.report.loaded += stored
        self.report.unchanged += self.writer.unchanged
        self.report.touched_entities |= self.writer.touched_entities
        self.report.unchanged_documents += self.writer.unchanged_ids
        self.writer.unchanged, self.writer.touched_entities, self.writer.unchanged_ids = 0, set(), []
        self.batch = []
        if self.progress:
            self.progress(self.report.loaded)

    def _replay(self) -> None:
        """Roll the batch back and write its rows one at a time; a row is tried twice (a concurrent
        import of the same rows may have won a race), with fresh caches after each failure."""
        self.session.rollback()
        batch, self.batch = self.batch, []
        self.writer = StoreWriter(self.session, self.extractor, self.pool)
        for row in batch:
            for attempt in (1, 2):
                try:
                    self.writer.write(row.record)
                    self.writer.flush_evidence()
                    self.session.commit()
                except _DATABASE_DOWN:
                    raise
                except Exception as exc:  # noqa: BLE001 - the reason becomes the row's reject
                    self.session.rollback()
                    self.writer = StoreWriter(self.session, self.extractor, self.pool)
                    if attempt == 2:
                        first = (str(exc).splitlines() or [""])[0][:200]
                        self._reject(RowError(row.file, row.line, "record",
                                              f"the database refused this row: {type(exc).__name__}: {first}"))
                    continue
                self.batch = [row]
                self._harvest(1)
                break
