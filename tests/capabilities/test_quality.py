"""Extraction quality against a hand-labelled sample of real texts (NSF, equipment, SBIR awards, SBIR topics).

Gold labels are curated-core capabilities (scheme innobridge_core) a careful reader would say each text
demonstrates; the bounds sit a little below the measured values so a regression fails the test.
"""
from __future__ import annotations

import json
from pathlib import Path

from matcher.capabilities.extractor import CURATED_SCHEME, get_extractor

SAMPLE = Path(__file__).parent / "labelled_sample.jsonl"
MIN_PRECISION = 0.75  # measured 0.785
MIN_RECALL = 0.70  # measured 0.730


def test_sample_is_big_and_mixed() -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 60
    assert {r["source"].split(":")[0] for r in rows} == {"nsf", "equipment", "sbir", "problem"}


def test_micro_precision_recall() -> None:
    ex = get_extractor()
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    tax = ex.taxonomy
    tp = fp = fn = 0
    for row, mentions in zip(rows, ex.extract_many(r["text"] for r in rows)):
        gold = set(row["capabilities"])
        assert all(tax[g].scheme == CURATED_SCHEME for g in gold)
        got = {m.capability_id for m in mentions if not m.is_keyphrase and tax[m.capability_id].scheme == CURATED_SCHEME}
        tp += len(got & gold)
        fp += len(got - gold)
        fn += len(gold - got)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    print(f"capability extraction: micro precision {precision:.3f}, recall {recall:.3f} (tp={tp} fp={fp} fn={fn})")
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
