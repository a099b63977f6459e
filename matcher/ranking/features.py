"""Per-document relevance (lexical + semantic, calibrated per query) and per-entity features.

Raw BM25 scores and cosines live on different scales that also vary by query, so each is
normalised within the query's candidate set before they are fused (a plain sum of raw values
measured worse than either alone: RANKING_NOTES).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np


def capability_overlap(query_caps: Mapping[str, float], entity_caps: Mapping[str, float],
                       rarity: Mapping[str, float]) -> tuple[float, list[str]]:
    """Share of the query's capabilities (weighted by rarity) that the entity has shown; and which."""
    if not query_caps:
        return 0.0, []
    total = sum(rarity.get(c, 1.0) * w for c, w in query_caps.items())
    if total <= 0:
        return 0.0, []
    hit = [c for c in query_caps if entity_caps.get(c, 0.0) > 0]
    covered = sum(rarity.get(c, 1.0) * query_caps[c] for c in hit)
    return covered / total, hit


def rarity_weights(document_frequency: Mapping[str, int], total: int) -> dict[str, float]:
    """IDF of capabilities: a rare capability in common says more than "manufacturing" does."""
    return {c: math.log(1 + total / (1 + df)) for c, df in document_frequency.items()}


def brevity(words: int, long_words: int = 300) -> float:
    """1 for a one-word query, falling with the log of its length to 0 at `long_words` words and beyond.

    A title of 9 words is 0.60, an abstract of 150 words 0.12: the scale on which fused weights may
    differ between short and long problem texts.
    """
    return 1.0 - min(1.0, math.log1p(max(words, 0)) / math.log1p(long_words)) if words > 0 else 1.0


def recency_feature(years: Sequence[int | None], current_year: int, horizon: float = 15.0) -> float:
    """1 for work from this year, falling linearly to 0 over `horizon` years; 0.5 when unknown."""
    known = [y for y in years if y]
    if not known:
        return 0.5
    age = current_year - max(known)
    return max(0.0, 1.0 - max(0, age) / horizon)


def z_scores(values: Mapping[str, float], top: int = 100, missing: float | None = None,
             ids: Sequence[str] | None = None) -> dict[str, float]:
    """Per-query z-score calibrated on the best `top` values (robust to a long tail of weak candidates).

    Entities in `ids` without a value get `missing` (default: the lowest value seen), so every
    signal lands on one scale before fusion (plain sums of raw scores measured badly: RANKING_NOTES).
    """
    keys = list(ids) if ids is not None else list(values)
    if not keys:
        return {}
    floor = min(values.values()) if values and missing is None else (missing or 0.0)
    raw = np.fromiter((values.get(k, floor) for k in keys), dtype=np.float64, count=len(keys))
    best = np.sort(raw)[::-1][: max(top, 2)]
    mu = float(best.mean())
    sd = float(best.std())
    if sd <= 1e-9:
        return {k: 0.0 for k in keys}
    return {k: float(v) for k, v in zip(keys, (raw - mu) / sd)}


#: Equipment status words, matched as substrings of the free-text status.
AVAILABLE = ("available", "operational", "active", "in service", "ok", "open")
UNAVAILABLE = ("retired", "unavailable", "out of service", "broken", "decommissioned", "disposed")


def entity_capabilities(doc_ids: Sequence[str], doc_caps: Mapping[str, Mapping[str, float]],
                        added: Sequence[str] = (), removed: Sequence[str] = ()) -> dict[str, float]:
    """An entity's capabilities as its three best documents show them, with its own edits applied."""
    caps: dict[str, float] = {}
    for doc_id in doc_ids[:3]:
        for cap, weight in doc_caps.get(doc_id, {}).items():
            caps[cap] = max(weight, caps.get(cap, 0.0))
    for cap in added:
        caps[cap] = max(1.0, caps.get(cap, 0.0))
    for cap in removed:
        caps.pop(cap, None)
    return caps


def availability(kind: str, status: str | None) -> float:
    """1 for equipment in service, 0 for retired or broken, 0.5 when unknown or not equipment."""
    if kind != "equipment":
        return 0.5
    status = (status or "").lower()
    if any(s in status for s in UNAVAILABLE):
        return 0.0
    if any(s in status for s in AVAILABLE):
        return 1.0
    return 0.5
