"""The pieces of the ranking: pooling, calibration, scorer configuration."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.ranking.features import capability_overlap, rarity_weights, z_scores
from matcher.ranking.pooling import decayed_top_k, recency_weight
from matcher.ranking.scorer import DEFAULT_WEIGHTS, FEATURES, load_config, parse_config


def test_top3_pooling_rewards_a_body_of_work_over_one_paper() -> None:
    assert decayed_top_k([0.9, 0.8, 0.7]) > decayed_top_k([0.9])
    assert decayed_top_k([0.9, 0.1]) < decayed_top_k([0.9, 0.9])
    assert decayed_top_k([]) == 0.0
    # only the best three count: a long tail of weak papers does not dilute or inflate
    assert decayed_top_k([0.9, 0.8, 0.7, 0.01, 0.01]) == decayed_top_k([0.9, 0.8, 0.7])


def test_recency_half_life() -> None:
    assert recency_weight(2020, 2020, 5) == 1.0
    assert recency_weight(2015, 2020, 5) == pytest.approx(0.5)
    assert recency_weight(2000, 2020, None) == 1.0 and recency_weight(None, 2020, 5) == 1.0


def test_z_scores_put_signals_on_one_scale() -> None:
    bm25 = z_scores({"a": 30.0, "b": 20.0, "c": 10.0})
    cosine = z_scores({"a": 0.9, "b": 0.6, "c": 0.3})
    assert bm25 == pytest.approx(cosine)
    assert z_scores({"a": 1.0, "b": 1.0}) == {"a": 0.0, "b": 0.0}
    assert z_scores({"a": 2.0}, ids=["a", "missing"], missing=0.0)["missing"] < 0


def test_rare_capabilities_weigh_more() -> None:
    rarity = rarity_weights({"common": 900, "rare": 3}, total=1000)
    assert rarity["rare"] > rarity["common"]
    query = {"common": 1.0, "rare": 1.0}
    rare_only, _ = capability_overlap(query, {"rare": 1.0}, rarity)
    common_only, matched = capability_overlap(query, {"common": 1.0}, rarity)
    assert rare_only > common_only and matched == ["common"]


def test_weights_file_is_versioned_and_complete() -> None:
    cfg = load_config()
    data = json.loads(Path(DEFAULT_WEIGHTS).read_text(encoding="utf-8"))
    assert cfg.version == data["version"] >= 1
    assert set(cfg.weights) <= set(FEATURES)
    assert cfg.score({name: 1.0 for name in FEATURES}) == pytest.approx(sum(cfg.weights.values()))


def test_unknown_feature_in_weights_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown features"):
        parse_config({"version": 9, "weights": {"lexical": 1.0, "popularity": 5.0}})
    with pytest.raises(KeyError):
        parse_config({"weights": {"lexical": 1.0}})


def test_a_long_profile_is_discounted_by_its_length() -> None:
    from matcher.ranking.relevance import length_discounted as _length_discounted
    from matcher.types import Hit

    short, long = Hit(id="a", score=10.0, length=100), Hit(id="b", score=10.0, length=1600)
    assert _length_discounted(short, 0.0) == _length_discounted(long, 0.0) == 10.0
    assert _length_discounted(long, 0.25) == pytest.approx(_length_discounted(short, 0.25) / 2)
    assert _length_discounted(Hit(id="c", score=3.0, length=0), 0.5) == 3.0  # unknown length: no discount
