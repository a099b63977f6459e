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


def test_each_route_is_banded_by_its_own_thresholds() -> None:
    """A short or Korean problem's score is mapped so that its own calibrated thresholds land on the main ones."""
    data = json.loads(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
    bands = {"strong": 4.0, "good": 3.0, "weights_version": data["version"],
             "routes": {"short": {"strong": 2.0, "good": 1.0}, "crosslang": {"strong": 1.0, "good": 0.5},
                        "crosslang_short": {"strong": 0.5, "good": 0.25}}}
    cfg = parse_config({**data, "bands": bands})
    features = {"profile": 1.0}
    short, korean, korean_short = cfg.for_length(3), cfg.for_crosslang(), cfg.for_crosslang(3)
    raw_short = sum(w * features.get(k, 0.0) for k, w in short.weights.items())
    raw_korean = sum(w * features.get(k, 0.0) for k, w in korean.weights.items())
    assert short.score(features) == pytest.approx(raw_short + 2.0)  # factor (4-3)/(2-1) = 1, offset 2
    assert korean.score(features) == pytest.approx(2.0 * raw_korean + 2.0)  # factor 2, offset 4 - 2 x 1
    assert korean_short.weights == short.weights  # a Korean title is weighed as an English one
    assert cfg.for_crosslang(cfg.short_max_words + 1).weights == korean.weights
    for route, cfg_route in (("short", short), ("crosslang", korean), ("crosslang_short", korean_short)):
        own = bands["routes"][route]
        assert band_of(cfg_route.scale[0] * own["strong"] + cfg_route.scale[1], cfg) == "strong"
        assert band_of(cfg_route.scale[0] * own["good"] + cfg_route.scale[1], cfg) == "good"
        assert band_of(cfg_route.scale[0] * (own["good"] - 0.01) + cfg_route.scale[1], cfg) == "weak"
    assert cfg.for_length(500).score(features) == pytest.approx(cfg.weights["profile"])  # the main route: unscaled
    assert cfg.unscaled().for_crosslang().score(features) == pytest.approx(raw_korean)


def test_a_route_with_inverted_bands_is_refused() -> None:
    data = json.loads(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
    bands = {"strong": 4.0, "good": 3.0, "weights_version": data["version"], "routes": {"short": {"strong": 1.0, "good": 1.0}}}
    with pytest.raises(ValueError, match="routes.short"):
        parse_config({**data, "bands": bands})
