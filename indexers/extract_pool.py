"""Capability extraction in worker processes, so an import's parsing and SQL writes overlap with it.

Extraction is a pure function of a document's (title, text) and was over half of an import's CPU time;
the rest (parsing, resolving people, SQL) needs the one session and stays in the importing process.
The import reads a batch or two ahead and sends those documents' text pairs here; the writer then takes
each pair's evidence rows by its text and extracts inline whatever it does not find, so a missed or
wrong guess costs time, never a different result. Workers start by `spawn` (no inherited database
connections or threads) and each builds its own extractor once.

The importing process takes a share of each chunk itself when it has had to wait for the workers: it
holds back that share of the pairs, which the writer then extracts inline. The share grows while the
writer waits for the workers' results and shrinks while they are ready before it asks, so that with one
worker on two cores both processes stay busy; with workers enough to keep ahead it stays at 0.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from indexers.evidence import EvidenceValues, pair_evidence

Pair = tuple[str, str]
#: How often a worker checks that the importing process still exists.
_PARENT_POLL_SECONDS = 0.5
#: Resolved chunks kept for look-up; older ones are dropped (their documents were unchanged or skipped).
_KEEP_CHUNKS = 4
#: How much the importing process's own share of a chunk moves per chunk it waited or did not wait for,
#: the most it takes, and the smallest chunk it is taken from and measured on (a few rows say nothing).
_SHARE_STEP, _MAX_SHARE, _MIN_SHARED_CHUNK = 0.025, 0.5, 100


def _init_worker(parent: int) -> None:
    """Build the extractor before the first task (pipeline, ~15k patterns); BLAS stays single-threaded;
    exit when the importing process is gone."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="parent-watch").start()
    from matcher.capabilities.extractor import get_extractor

    get_extractor()


def _exit_with(parent: int) -> None:
    """A killed import (kill -9) cannot shut its pool down, and a worker blocked on the task queue never
    sees it: without this it would live on, holding the import's stdout and stderr open."""
    while True:
        time.sleep(_PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def _extract_pairs(pairs: Sequence[Pair]) -> list[list[EvidenceValues]]:
    from matcher.capabilities.extractor import get_extractor

    extractor = get_extractor()
    return [pair_evidence(extractor, title, text) for title, text in pairs]


class ExtractionPool:
    """Worker processes extracting evidence for text pairs submitted ahead of the writer that needs them."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"INGEST_WORKERS: expected at least 1 worker, got {workers}")
        self.workers = workers
        self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_init_worker, initargs=(os.getpid(),))
        self._pending: deque[list[tuple[list[Pair], Future[list[list[EvidenceValues]]]]]] = deque()
        self._pending_pairs: dict[Pair, int] = {}  # pair -> how many pending chunks hold it
        self._resolved: deque[dict[Pair, list[EvidenceValues]]] = deque(maxlen=_KEEP_CHUNKS)
        self.served = 0  # pairs answered from the workers (the rest were extracted by the caller)
        self.share = 0.0  # the fraction of each chunk held back for the caller to extract

    def submit(self, pairs: Iterable[Pair]) -> None:
        """Queue one chunk of pairs, split across the workers; duplicates are extracted once."""
        unique = list(dict.fromkeys(pairs))
        held = int(len(unique) * self.share) if len(unique) >= _MIN_SHARED_CHUNK else 0
        if held:
            unique = unique[:len(unique) - held]  # the caller extracts the rest when it writes them
        if not unique:
            return
        for pair in unique:
            self._pending_pairs[pair] = self._pending_pairs.get(pair, 0) + 1
        step = -(-len(unique) // self.workers)
        parts = [unique[i:i + step] for i in range(0, len(unique), step)]
        self._pending.append([(part, self._executor.submit(_extract_pairs, part)) for part in parts])

    def take(self, pairs: Sequence[Pair]) -> dict[Pair, list[EvidenceValues]]:
        """The evidence of those pairs that were submitted, waiting for their chunks in submission order."""
        found: dict[Pair, list[EvidenceValues]] = {}
        wanted = set(pairs)
        while True:
            for chunk in self._resolved:
                for pair in [p for p in wanted if p in chunk]:
                    found[pair] = chunk[pair]
                    wanted.discard(pair)
            if not wanted or not any(pair in self._pending_pairs for pair in wanted):
                self.served += len(found)
                return found
            self._resolve_next()

    def _resolve_next(self) -> None:
        """Wait for the oldest pending chunk (the caller needs it), and move the caller's share: up when
        its results were not ready yet, down when they were."""
        parts = self._pending.popleft()
        if sum(len(part) for part, _ in parts) >= _MIN_SHARED_CHUNK:
            waited = not all(future.done() for _, future in parts)
            self.share = min(_MAX_SHARE, self.share + _SHARE_STEP) if waited else max(0.0, self.share - _SHARE_STEP)
        chunk: dict[Pair, list[EvidenceValues]] = {}
        for part, future in parts:
            chunk.update(zip(part, future.result()))
            for pair in part:
                left = self._pending_pairs.pop(pair) - 1
                if left:
                    self._pending_pairs[pair] = left
        self._resolved.append(chunk)

    def close(self) -> None:
        """Stop the workers; queued work that nobody will take is cancelled."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()
        self._pending_pairs.clear()
        self._resolved.clear()


def document_pairs(record: Any) -> list[Pair]:
    """The (title, text) pairs the writer will extract for this record, as record_writers builds them."""
    from indexers.record_writers import equipment_text, publication_text
    from indexers.sources.records import AwardRecord, EquipmentRecord, FirmRecord, ProjectRecord, PublicationRecord

    if isinstance(record, PublicationRecord):
        return [(record.title, publication_text(record))]
    if isinstance(record, AwardRecord):
        return [(record.title, record.abstract or "")]
    if isinstance(record, FirmRecord):
        return [(doc.title, doc.text) for doc in record.documents]
    if isinstance(record, EquipmentRecord):
        return [(record.name, equipment_text(record))]
    if isinstance(record, ProjectRecord):
        return [(record.title, record.description or "")]
    return []


def read_ahead(rows: Iterator[Any], size: int, pool: ExtractionPool, chunks_ahead: int = 2) -> Iterator[Any]:
    """Yield `rows` unchanged, keeping `chunks_ahead` chunks of `size` rows read and submitted to `pool`."""
    from indexers.sources.records import Parsed

    buffer: deque[Any] = deque()

    def fill() -> None:
        chunk = list(islice(rows, size))
        pool.submit(pair for row in chunk if isinstance(row, Parsed) for pair in document_pairs(row.record))
        buffer.extend(chunk)

    for _ in range(chunks_ahead):
        fill()
    served = 0
    while buffer:
        yield buffer.popleft()
        served += 1
        if served % size == 0:
            fill()
