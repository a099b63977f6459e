"""Per entity the query's relevance signals (profile BM25, pooled document BM25, pooled cosines), z-scored.

Raw BM25 scores and cosines live on scales that vary by query, so each is calibrated over the query's
candidates before fusion (RANKING_NOTES: a plain sum of raw values measured worse than either alone).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from matcher.ranking.features import z_scores
from matcher.ranking.pooling import decayed_top_k, recency_weight
from matcher.ranking.scorer import ScorerConfig
from matcher.types import PROFILED_ENTITY_KINDS, EntityCard, Hit, entity_kind


@dataclass
class Candidate:
    """One entity in the running: its raw profile score and its retrieved documents."""

    entity_id: str
    profile: float | None = None  # raw profile BM25; None when not retrieved
    tainted: bool = False  # its profile contains an excluded document: use the pooled documents instead
    named: bool = False  # the problem text writes its name
    docs: dict[str, tuple[float, float | None]] = field(default_factory=dict)  # doc id -> (BM25 or 0, cosine)


def length_discounted(hit: Hit, power: float) -> float:
    """BM25 of a whole body of work, divided by length**power.

    Tantivy's BM25 normalises length with b=0.75, which lets a long profile collect many weak
    matches; the power is in weights.json (sbir-firms: 0 -> 0.15 gave nDCG@10 +0.011, like b=1.0).
    """
    return hit.score / max(hit.length, 1) ** power if power else hit.score


def profile_floor(hits: Sequence[Hit], top_k: int, power: float = 0.0) -> float:
    """What an entity missing from a truncated list scored at most: the lowest retrieved score (else 0)."""
    if not hits or len(hits) < top_k:
        return 0.0
    return min(length_discounted(h, power) for h in hits)


def relevance_features(candidates: dict[str, Candidate], cards: dict[str, EntityCard], cfg: ScorerConfig,
                       doc_years: dict[str, int | None], semantic: bool, profile_floor: float,
                       more_cosines: Mapping[str, Mapping[str, float]] | None = None,
                       ) -> tuple[dict[str, dict[str, float]], dict[str, list[str]]]:
    """Per entity the z-scored relevance signals, and its documents best first (for the evidence).

    `more_cosines` (signal name -> doc id -> cosine, e.g. matcher.ranking.feedback's) are pooled and
    z-scored like the semantic signal, each as a signal of its own.
    """
    this_year = date.today().year
    decay = cfg.pooling_decay
    more_cosines = more_cosines or {}
    raw: dict[str, dict[str, float]] = defaultdict(dict)
    doc_order: dict[str, list[str]] = {}
    for entity_id, card in cards.items():
        c = candidates[entity_id]
        half_life = card.recency_half_life
        if half_life:
            lex, sem, weights = [], [], []
            for doc_id, (bm25, cosine) in c.docs.items():
                w = recency_weight(doc_years.get(doc_id), this_year, half_life)
                weights.append(w)
                lex.append(bm25 * w)
                if cosine is not None:
                    sem.append(cosine * w)
        else:  # no recency preference (nearly everyone): every weight is 1.0, x * 1.0 is x
            weights = [1.0] * len(c.docs)
            lex = [bm25 for bm25, _ in c.docs.values()]
            sem = [cosine for _, cosine in c.docs.values() if cosine is not None]
        for name, values in more_cosines.items():
            pooled = [values[d] * w for d, w in zip(c.docs, weights) if d in values]
            if pooled:
                raw[name][entity_id] = decayed_top_k(pooled, decay)
        raw["lexical"][entity_id] = decayed_top_k(lex, decay)
        if semantic and sem:
            raw["semantic"][entity_id] = decayed_top_k(sem, decay)
        if card.kind in ("equipment", "project"):
            raw["profile"][entity_id] = max(lex, default=0.0)  # their one document is their profile
        elif c.profile is not None and not c.tainted:
            raw["profile"][entity_id] = c.profile * (sum(weights) / len(weights) if weights else 1.0)
        best = max((v[0] for v in c.docs.values()), default=0.0) or 1.0
        doc_order[entity_id] = sorted(c.docs, key=lambda d: -(c.docs[d][0] / best + (c.docs[d][1] or 0.0)))
    ids = list(cards)
    z = {name: z_scores(raw[name], cfg.z_top, missing=(profile_floor if name == "profile" else 0.0), ids=ids)
         for name in ("profile", "lexical")}
    for name in ("semantic", *more_cosines) if semantic else ():
        if raw[name]:
            z[name] = z_scores(raw[name], cfg.z_top, missing=min(raw[name].values()), ids=ids)
    features: dict[str, dict[str, float]] = {}
    for entity_id in ids:
        c = candidates[entity_id]
        f = {name: values[entity_id] for name, values in z.items()}
        if c.tainted and entity_kind(entity_id) in PROFILED_ENTITY_KINDS:
            f["profile"] = f["lexical"]  # the profile holds an excluded document: judge by the rest
        f["name"] = 1.0 if c.named else 0.0
        features[entity_id] = f
    return features, doc_order
