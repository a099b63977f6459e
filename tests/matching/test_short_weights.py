"""A short problem text is ranked with a weight set of its own (weights.json "short"), learned from short queries."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from matcher.ranking.learn import JudgedQuery
from matcher.ranking.scorer import DEFAULT_WEIGHTS, load_config, parse_config
from matcher.services.learning import learn_weights


def _data(**short: object) -> dict:  # type: ignore[type-arg]
    data = json.loads(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
    data.pop("short", None)
    if short:
        data["short"] = short
    return data


def test_the_short_set_applies_up_to_its_length_only() -> None:
    cfg = parse_config(_data(max_words=40, weights={"profile": 0.25, "semantic": 0.75}))
    short = cfg.for_length(9)
    assert short.weights["profile"] == 0.25 and short.weights["semantic"] == 0.75
    assert short.weights["name"] == cfg.weights["name"]  # weights it does not set stay
    assert cfg.for_length(40).weights == short.weights
    assert cfg.for_length(41) is cfg and cfg.for_length(0) is cfg
    assert cfg.for_length(9) is short  # built once per configuration


def test_without_a_short_set_every_length_ranks_alike() -> None:
    cfg = parse_config(_data())
    assert cfg.for_length(3) is cfg


def test_an_unknown_feature_in_the_short_set_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown features"):
        parse_config(_data(max_words=40, weights={"profil": 1.0}))


def test_learning_the_short_set_leaves_the_long_weights_alone(tmp_path: Path) -> None:
    weights = tmp_path / "weights.json"
    shutil.copy(DEFAULT_WEIGHTS, weights)
    data = json.loads(weights.read_text(encoding="utf-8"))
    data.pop("short", None)
    weights.write_text(json.dumps(data), encoding="utf-8")
    # the relevant entity is the one closest in meaning; the profile points elsewhere
    queries = [JudgedQuery(f"q{i}", tuple((f"e{j}", {"profile": float(j == (i + 1) % 5), "semantic": float(j == i % 5)})
                                          for j in range(5)), {f"e{i % 5}": 1.0}) for i in range(20)]
    outcome = learn_weights(queries, weights, folds=4, short_words=12)
    assert outcome.written_version == data["version"] + 1
    load_config.cache_clear()
    cfg = load_config(str(weights))
    assert cfg.weights == parse_config(data).weights  # the long texts' weights are unchanged
    assert cfg.short_max_words == 12
    assert cfg.short_weights["semantic"] > cfg.short_weights["profile"]
    assert outcome.report.learned["ndcg@10"] > outcome.report.current["ndcg@10"]


def test_a_relevance_signal_the_short_set_does_not_name_is_off_for_short_texts() -> None:
    """A signal learned for long texts after the short set (distinctive) must not reach short ones unweighed."""
    data = _data(max_words=40, weights={"profile": 0.25, "semantic": 0.75})
    data["weights"].update(distinctive=0.6, semantic_short=-1.5)
    cfg = parse_config(data)
    short = cfg.for_length(9)
    assert short.weights["distinctive"] == 0.0 and short.weights["semantic_short"] == 0.0
    assert cfg.for_crosslang(9).weights["distinctive"] == 0.0
    assert cfg.for_length(41).weights["distinctive"] == 0.6


def test_learning_the_long_set_beside_a_short_one_fits_no_brevity_terms(tmp_path: Path) -> None:
    weights = tmp_path / "weights.json"
    data = _data(max_words=40, weights={"profile": 0.25, "semantic": 0.75})
    weights.write_text(json.dumps(data), encoding="utf-8")
    queries = [JudgedQuery(f"q{i}", tuple((f"e{j}", {"profile": float(j == (i + 1) % 5), "semantic": float(j == i % 5),
                                                     "semantic_short": float(j == i % 5)})
                                          for j in range(5)), {f"e{i % 5}": 1.0}) for i in range(20)]
    outcome = learn_weights(queries, weights, folds=4)
    assert outcome.written_version == data["version"] + 1
    written = json.loads(weights.read_text(encoding="utf-8"))
    assert not any(name.endswith("_short") for name in written["weights"])
    assert written["weights"]["semantic"] > written["weights"]["profile"]
    assert "coordinate ascent" in written["description"].split(". ")[0]
