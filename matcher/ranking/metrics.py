"""Ranking metrics shared by the evaluator and the weight learner (EVAL_FORMAT: graded nDCG, binary MRR)."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: Sequence[str], qrels: Mapping[str, float], k: int = 10) -> float:
    ideal = dcg(sorted(qrels.values(), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg([qrels.get(e, 0.0) for e in ranked[:k]]) / ideal


def recall_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for i, entity in enumerate(ranked):
        if entity in relevant:
            return 1.0 / (i + 1)
    return 0.0
