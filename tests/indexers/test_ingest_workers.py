"""Extraction in worker processes stores exactly what the single-process import stored before it.

The expected rows (tests/fixtures/ingest/evidence_before_workers.jsonl.gz) were written by the import
as it was before worker processes, Core inserts and driver-level evidence inserts (commit df2c77c), on
a fixed sample of the bundled demo files. If extraction itself is changed on purpose, regenerate the
file from the new single-process import (INGEST_WORKERS=0) and say so in the commit.

Keyphrase rows (source "keyphrase") are no longer stored (nothing read them): the fixture keeps them as
they were written then, and the stored rows must be exactly its other rows, so the same taxonomy rows
survive the dozen-per-document cut as when keyphrases were stored beside them.
"""
from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from indexers.demo import DEMO_DIR
from indexers.extract_pool import ExtractionPool
from indexers.ingest import load
from matcher.models import CapabilityEvidence, Document, DocumentEntity

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "evidence_before_workers.jsonl.gz"
#: kind, demo file, rows, whether the file has a header line
SAMPLE = (("awards", "nsf_awards.jsonl", 25, False), ("firms", "sbir_firm_awards.jsonl", 15, False),
          ("equipment", "equipment.csv", 15, True), ("projects", "fp7_projects.csv", 10, True))


def _sample(tmp_path: Path) -> list[tuple[str, Path]]:
    files = []
    for kind, name, rows, header in SAMPLE:
        lines = (DEMO_DIR / name).read_text(encoding="utf-8").splitlines(keepends=True)[: rows + int(header)]
        path = tmp_path / name
        path.write_text("".join(lines), encoding="utf-8")
        files.append((kind, path))
    return files


def _stored_evidence(runtime: Any) -> list[dict[str, Any]]:
    with runtime.db.session() as session:
        rows = [dict(entity_id=e.entity_id, document_id=e.document_id, capability_id=e.capability_id,
                     capability_label=e.capability_label, start=e.start, end=e.end, sentence=e.sentence,
                     weight=e.weight, source=e.source) for e in session.scalars(select(CapabilityEvidence))]
    return sorted(rows, key=lambda r: (r["entity_id"], r["document_id"] or "", r["capability_id"], r["start"]))


def _expected() -> list[dict[str, Any]]:
    with gzip.open(EXPECTED, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    assert sum(row["source"] == "keyphrase" for row in rows) > 50  # the fixture is the one with keyphrases
    return [row for row in rows if row["source"] != "keyphrase"]


def _assert_same(stored: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert len(stored) == len(expected)
    for got, want in zip(stored, expected):
        assert got == want, f"first differing evidence row:\n got  {got}\n want {want}"


def test_single_process_import_stores_the_evidence_it_stored_before(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime.settings["INGEST_WORKERS"] = 0
    for kind, path in _sample(tmp_path):
        report = load(runtime, kind, path, errors=None, index=False, batch_size=4)
        assert report.status == "ok", report.summary()
    _assert_same(_stored_evidence(runtime), _expected())


def test_worker_processes_store_the_same_evidence_and_links(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pool = ExtractionPool(2)
    try:
        for kind, path in _sample(tmp_path):
            report = load(runtime, kind, path, errors=None, index=False, batch_size=4, pool=pool)
            assert report.status == "ok", report.summary()
    finally:
        pool.close()
    # Every document and every equipment item and project took its evidence from the workers.
    with runtime.db.session() as session:
        documents = len(session.scalars(select(Document.id)).all())
        links = session.execute(select(DocumentEntity.document_id, DocumentEntity.entity_id,
                                       DocumentEntity.position)).all()
    assert pool.served == documents + 13 + 10  # 13 of the 15 equipment rows are instruments, 10 projects
    assert len(links) >= documents
    _assert_same(_stored_evidence(runtime), _expected())


def test_a_file_of_several_batches_starts_its_own_workers(runtime, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    started: list[ExtractionPool] = []
    original = ExtractionPool.__init__

    def record(self: ExtractionPool, workers: int) -> None:
        original(self, workers)
        started.append(self)

    monkeypatch.setattr(ExtractionPool, "__init__", record)
    runtime.settings["INGEST_WORKERS"] = 1
    kind, path = _sample(tmp_path)[0]
    load(runtime, kind, path, errors=None, index=False, batch_size=10)
    assert [p.workers for p in started] == [1]
    assert started[0].served == 25


def test_the_importers_share_is_held_back_and_not_waited_for() -> None:
    """Pairs held back for the importing process are not sent to the workers, and asking for them does
    not wait for chunks submitted later (the writer extracts them inline)."""
    first = [(f"Laser welding {i}", f"Porosity in aluminium welds, sample {i}.") for i in range(200)]
    second = [(f"Friction stir welding {i}", f"Tool wear in sample {i}.") for i in range(200)]
    pool = ExtractionPool(1)
    try:
        pool.share = 0.25
        pool.submit(first)
        pool.share = 0.0
        pool.submit(second)
        assert pool.take(first[150:]) == {}  # the held-back quarter
        assert len(pool._pending) == 2  # nothing was waited for
        got = pool.take(first)
        assert sorted(got) == sorted(first[:150]) and all(got.values())
        assert len(pool._pending) == 1 and pool.served == 150
    finally:
        pool.close()


@pytest.mark.parametrize("value", ["-1", "two"])
def test_a_bad_worker_count_is_named(runtime, tmp_path: Path, value: str) -> None:  # type: ignore[no-untyped-def]
    runtime.settings["INGEST_WORKERS"] = value
    kind, path = _sample(tmp_path)[0]
    report = load(runtime, kind, path, errors=None, index=False, batch_size=10)
    assert report.status == "failed"
    assert "INGEST_WORKERS" in (report.message or "")


def test_workers_exit_when_the_import_is_killed() -> None:
    """kill -9 of an import leaves no worker behind holding its output open (communicate would hang)."""
    script = ("import time\nfrom indexers.extract_pool import ExtractionPool\n"
              "pool = ExtractionPool(2)\npool.submit([('Laser welding', 'Porosity in aluminium welds.')])\n"
              "assert pool.take([('Laser welding', 'Porosity in aluminium welds.')])\n"
              "print('ready', flush=True)\ntime.sleep(600)\n")
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=30)  # returns once the workers, which inherited the pipes, are gone
    finally:
        if child.poll() is None:
            child.kill()
