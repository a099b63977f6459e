"""relevance_features pools in numpy: it must give, bit for bit, what pooling one entity at a time gives."""
from __future__ import annotations

import random
from datetime import date

from matcher.ranking.features import z_scores
from matcher.ranking.pooling import decayed_top_k, recency_weight
from tests.matching.candidate_dicts import Candidate, relevance_features
from matcher.ranking.scorer import load_config
from matcher.types import PROFILED_ENTITY_KINDS, EntityCard, entity_kind


def _one_at_a_time(candidates, cards, cfg, doc_years, semantic, floor, more):  # type: ignore[no-untyped-def]
    """The plain per-entity definition (what the ranking did before it pooled in numpy)."""
    this_year, decay = date.today().year, cfg.pooling_decay
    raw: dict[str, dict[str, float]] = {"profile": {}, "lexical": {}, "semantic": {}, **{n: {} for n in more}}
    order = {}
    for entity_id, card in cards.items():
        c = candidates[entity_id]
        weights = [recency_weight(doc_years.get(d), this_year, card.recency_half_life) for d in c.docs]
        lex = [bm25 * w for (bm25, _), w in zip(c.docs.values(), weights)]
        sem = [cos * w for (_, cos), w in zip(c.docs.values(), weights) if cos is not None]
        for name, values in more.items():
            pooled = [values[d] * w for d, w in zip(c.docs, weights) if d in values]
            if pooled:
                raw[name][entity_id] = decayed_top_k(pooled, decay)
        raw["lexical"][entity_id] = decayed_top_k(lex, decay)
        if semantic and sem:
            raw["semantic"][entity_id] = decayed_top_k(sem, decay)
        if card.kind in ("equipment", "project"):
            raw["profile"][entity_id] = max(lex, default=0.0)
        elif c.profile is not None and not c.tainted:
            raw["profile"][entity_id] = c.profile * (sum(weights) / len(weights) if weights else 1.0)
        best = max((v[0] for v in c.docs.values()), default=0.0) or 1.0
        order[entity_id] = sorted(c.docs, key=lambda d: -(c.docs[d][0] / best + (c.docs[d][1] or 0.0)))
    ids = list(cards)
    z = {name: z_scores(raw[name], cfg.z_top, missing=(floor if name == "profile" else 0.0), ids=ids)
         for name in ("profile", "lexical")}
    for name in ("semantic", *more) if semantic else ():
        if raw[name]:
            z[name] = z_scores(raw[name], cfg.z_top, missing=min(raw[name].values()), ids=ids)
    features = {}
    for entity_id in ids:
        f = {name: values[entity_id] for name, values in z.items()}
        if candidates[entity_id].tainted and entity_kind(entity_id) in PROFILED_ENTITY_KINDS:
            f["profile"] = f["lexical"]
        f["name"] = 1.0 if candidates[entity_id].named else 0.0
        features[entity_id] = f
    return features, order


def _world(rng: random.Random):  # type: ignore[no-untyped-def]
    docs = [f"document:{i}" for i in range(60)]
    years = {d: rng.choice([None, *range(1995, 2026)]) for d in docs}
    candidates, cards = {}, {}
    for i in range(rng.randint(0, 80)):
        kind = rng.choice(["researcher", "researcher", "lab", "organization", "equipment", "project"])
        entity_id = f"{kind}:{i}"
        own = kind in ("equipment", "project")
        chosen = [entity_id] if own else rng.sample(docs, rng.randint(0, 6))
        c = Candidate(entity_id, profile=None if own or rng.random() < 0.3 else rng.uniform(0, 40),
                      tainted=rng.random() < 0.1, named=rng.random() < 0.05)
        for d in chosen:  # BM25 0 for documents found by meaning alone; equal values to test ties
            c.docs[d] = (rng.choice([0.0, 0.0, 5.0, rng.uniform(0, 30)]),
                         rng.choice([None, 0.25, rng.uniform(-0.2, 0.9)]))
        candidates[entity_id] = c
        half_life = rng.choice([None, None, None, 2.0, 7.5]) if kind == "researcher" else None
        cards[entity_id] = EntityCard(entity_id, kind, entity_id, None, None, entity_id, None, half_life)
    more = {"feedback": {d: rng.uniform(-0.1, 0.9) for d in rng.sample(docs, 30)}} if rng.random() < 0.5 else {}
    return candidates, cards, years, more


def test_numpy_pooling_equals_pooling_one_entity_at_a_time() -> None:
    cfg = load_config()
    rng = random.Random(15)
    for _ in range(200):
        candidates, cards, years, more = _world(rng)
        semantic, floor = rng.random() < 0.8, rng.choice([0.0, 3.5])
        got = relevance_features(candidates, cards, cfg, years, semantic, floor, more)
        want = _one_at_a_time(candidates, cards, cfg, years, semantic, floor, more)
        assert got[1] == want[1]
        assert {i: list(f.items()) for i, f in got[0].items()} == {i: list(f.items()) for i, f in want[0].items()}


def test_scores_of_many_rows_are_score_of_each() -> None:
    from dataclasses import replace

    from matcher.ranking.scorer import FEATURES

    rng = random.Random(7)
    base = load_config()
    for cfg in (base, base.for_length(5), replace(base, scale=(1.37, -0.21))):
        rows = [{name: rng.uniform(-3, 3) for name in FEATURES if rng.random() < 0.8} for _ in range(300)]
        assert cfg.scores(rows) == [cfg.score(row) for row in rows]
