"""Relevance bands: thresholds stored with the weights they were calibrated for, applied in order."""
from __future__ import annotations

import json

import pytest

from matcher.ranking.bands import band_of
from matcher.ranking.scorer import DEFAULT_WEIGHTS, load_config, parse_config


def test_the_shipped_bands_belong_to_the_shipped_weights() -> None:
    cfg = load_config()
    assert cfg.bands_version == cfg.version, "weights changed: rerun python -m benchmarks.calibrate_bands --write"
    assert cfg.band_strong > cfg.band_good > float("-inf")


def test_band_of_uses_the_thresholds() -> None:
    data = json.loads(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
    cfg = parse_config({**data, "bands": {"strong": 2.0, "good": 1.0, "weights_version": data["version"]}})
    assert [band_of(s, cfg) for s in (3.0, 2.0, 1.5, 1.0, 0.99, -2.31)] == \
        ["strong", "strong", "good", "good", "weak", "weak"]


def test_inverted_bands_are_refused() -> None:
    data = json.loads(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="bands"):
        parse_config({**data, "bands": {"strong": 1.0, "good": 2.0, "weights_version": 6}})
