"""From document scores to entity scores: a researcher is judged by the whole body of work.

Measured on the dev set (RANKING_NOTES, README): best + half of the second + a third of the
third document beats max and mean pooling; `recency_weight` lets a researcher ask that older
work count less.
"""
from __future__ import annotations

import math
from collections.abc import Sequence


def decayed_top_k(scores: Sequence[float], decay: Sequence[float] = (1.0, 0.5, 1 / 3)) -> float:
    """Sum of the best scores weighted by `decay`, normalised so that k equal scores give that score."""
    if not scores:
        return 0.0
    best = sorted(scores, reverse=True)[: len(decay)]
    return sum(w * s for w, s in zip(decay, best)) / sum(decay)


def recency_weight(year: int | None, current_year: int, half_life: float | None) -> float:
    """0.5 ** (age / half_life); 1 when no preference or no year is known."""
    if not half_life or year is None:
        return 1.0
    age = max(0, current_year - year)
    return math.pow(0.5, age / half_life)
