"""Load the bundled demo data set: real firms, researchers, labs, equipment, projects and problems, and the
Korean research organisations of ROR with their Korean names and regions (data/institutions/ror_kr.csv).

Idempotent like every import: loading twice leaves the counts unchanged. Shipped document vectors
(data/demo/vectors.npz for MiniLM, data/demo/vectors_ml.npz for the multilingual model that Korean
problems use) are used when they match the installed models, so the first start does not spend minutes
encoding. This fills the store and the index only: the demo's accounts, suggested matches and digest
subscribers are workflow state, made by matcher.services.demo (`flask demo load` runs both).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from indexers.extract_pool import ExtractionPool
from indexers.ingest import ImportReport, load, workers_setting
from indexers.institutions import ROR_KR_PATH, load_institutions
from indexers.taxonomy import sync_taxonomy
from matcher.models import Document
from matcher.progress import Progress
from matcher.runtime import Runtime

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "demo"
DEMO_FILES: tuple[tuple[str, str], ...] = (
    ("awards", "nsf_awards.jsonl"),
    ("firms", "sbir_firm_awards.jsonl"),
    ("equipment", "equipment.csv"),
    ("projects", "fp7_projects.csv"),
    ("problems", "problems.jsonl"),
    ("problems", "problems_ko.jsonl"),  # 45 Korean translations of SBIR topics (data/README.md)
)
VECTOR_CACHE = DEMO_DIR / "vectors.npz"
MULTILINGUAL_VECTOR_CACHE = DEMO_DIR / "vectors_ml.npz"
SENTENCE_VECTOR_CACHE = DEMO_DIR / "sentences.npz"


def demo_is_loaded(runtime: Runtime) -> bool:
    with runtime.db.session() as session:
        return bool(session.scalar(select(func.count()).select_from(Document)))


def load_demo(runtime: Runtime, progress: bool = False, demo_dir: Path = DEMO_DIR,
              institutions: Path | None = ROR_KR_PATH) -> dict[str, Any]:
    """Import every demo file, the taxonomy and the Korean institutions, and rebuild the index (with shipped
    vectors)."""
    from matcher.indexing import rebuild_index

    if not runtime.settings.get("VECTOR_CACHE"):  # declared with no value unless the operator set one
        runtime.settings["VECTOR_CACHE"] = str(demo_dir / "vectors.npz")
    if not runtime.settings.get("MULTILINGUAL_VECTOR_CACHE"):
        runtime.settings["MULTILINGUAL_VECTOR_CACHE"] = str(demo_dir / "vectors_ml.npz")
    if not runtime.settings.get("SENTENCE_VECTOR_CACHE"):
        runtime.settings["SENTENCE_VECTOR_CACHE"] = str(demo_dir / "sentences.npz")
    reports: list[ImportReport] = []
    workers = workers_setting(runtime)
    pool = ExtractionPool(workers) if workers else None  # one set of workers for every file
    try:
        for kind, name in DEMO_FILES:
            bar = _progress_bar(f"demo: {kind}", progress)
            try:
                reports.append(load(runtime, kind, demo_dir / name, progress=bar.update_to if bar else None,
                                    index=False, errors=sys.stderr, pool=pool))
            finally:
                if bar:
                    bar.close()
    finally:
        if pool is not None:
            pool.close()
    korean = load_institutions(runtime, institutions) if institutions is not None else 0
    bar = _progress_bar("demo: index", progress)
    encode_bar = _progress_bar("demo: encode new texts", progress)
    try:
        indexed = rebuild_index(runtime, progress=bar.update_to if bar else None,
                                encode_progress=encode_bar.update_to if encode_bar else None)
    finally:
        for b in (bar, encode_bar):
            if b:
                b.close()
    summary: dict[str, Any] = {r.kind: r.loaded for r in reports}
    summary["rejected"] = sum(r.rejected for r in reports)
    summary["institutions"] = korean
    summary["indexed"] = indexed
    sync_taxonomy(runtime)  # every capability a profile page or a filter may name, not only those found
    return summary


def _progress_bar(desc: str, enabled: bool) -> Progress | None:
    return Progress(desc) if enabled else None
