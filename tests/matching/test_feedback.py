"""Pseudo-relevance feedback in meaning: the query vector moves towards its nearest documents."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.ranking.feedback import by_cosine, feedback_cosines, feedback_vector
from tests.matching.candidate_dicts import Candidate, relevance_features
from matcher.ranking.scorer import load_config
from matcher.ranking.vectors import VectorStore
from matcher.types import EntityCard


def _unit(*values: float) -> np.ndarray:
    v = np.zeros(4, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def _store(tmp_path: Path) -> VectorStore:
    store = VectorStore(tmp_path, "test", dim=4)
    store.write({"a": ("h", _unit(1, 1)), "b": ("h", _unit(1, 0.8)), "c": ("h", _unit(0, 0, 1)),
                 "d": ("h", _unit(0, 1))})
    return store


def test_the_feedback_vector_leans_towards_the_best_documents(tmp_path: Path) -> None:
    store = _store(tmp_path)
    qv = _unit(1)
    moved = feedback_vector(store, qv, ["a", "b", "c"], docs=2, beta=1.0)
    assert moved is not None and np.linalg.norm(moved) == pytest.approx(1.0, abs=1e-6)
    # "d" shares the best documents' second direction, which the query alone lacks
    assert float(moved @ store.vector("d")) > float(qv @ store.vector("d"))
    assert float(moved @ store.vector("c")) == pytest.approx(0.0, abs=1e-6)  # "c" was not among the two best


def test_no_documents_or_a_zero_count_gives_no_feedback(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert feedback_vector(store, _unit(1), [], docs=3, beta=1.0) is None
    assert feedback_vector(store, _unit(1), ["a"], docs=0, beta=1.0) is None
    assert feedback_cosines(store, None, {"a": 0.5}, 3, 1.0) == {}


def test_feedback_cosines_cover_the_same_documents_and_rank_by_cosine_first(tmp_path: Path) -> None:
    store = _store(tmp_path)
    qv = _unit(1)
    first = {d: float(store.vector(d) @ qv) for d in ("a", "b", "c", "d")}
    assert by_cosine(first)[:2] == ["b", "a"]
    moved = feedback_cosines(store, qv, first, docs=2, beta=1.0)
    assert set(moved) == set(first)
    assert moved["d"] > first["d"]


def test_a_further_cosine_signal_is_pooled_and_z_scored_beside_the_semantic_one() -> None:
    cfg = load_config()
    candidates = {"organization:x": Candidate("organization:x", docs={"d1": (2.0, 0.5), "d2": (1.0, 0.4)}),
                  "organization:y": Candidate("organization:y", docs={"d3": (3.0, 0.6)})}
    cards = {i: EntityCard(id=i, kind="organization", name=i, organization=None, region=None, group=i)
             for i in candidates}
    plain, _ = relevance_features(candidates, cards, cfg, {}, True, 0.0)
    more, _ = relevance_features(candidates, cards, cfg, {}, True, 0.0,
                                 {"feedback": {"d1": 0.9, "d2": 0.9, "d3": 0.1}})
    assert "feedback" not in plain["organization:x"]
    assert more["organization:x"]["feedback"] > more["organization:y"]["feedback"]
    for entity in candidates:  # the other signals do not change
        assert {k: v for k, v in more[entity].items() if k != "feedback"} == plain[entity]
