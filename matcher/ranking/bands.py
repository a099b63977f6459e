"""Relevance bands (strong / good / weak) instead of raw fused scores such as -2.31.

Why: the fused score is a sum of per-query z-scores and weights, with no meaning of its own to a reader.
The thresholds are calibrated on the dev sets' tune split (benchmarks/calibrate_bands.py) and stored in
weights.json beside the weights they were measured with, so a new weights version carries its own.
"""
from __future__ import annotations

from typing import Literal

from matcher.ranking.scorer import ScorerConfig, load_config

Band = Literal["strong", "good", "weak"]
BANDS: tuple[Band, ...] = ("strong", "good", "weak")


def band_of(score: float, config: ScorerConfig | None = None) -> Band:
    """The band of a fused score under the thresholds stored with the weights."""
    cfg = config or load_config()
    if score >= cfg.band_strong:
        return "strong"
    if score >= cfg.band_good:
        return "good"
    return "weak"
