"""score_columns scores a feature at a time over all candidates: every entity must get, bit for bit and in
the same key order, the features and score that building one dict per entity gives (what it did before)."""
from __future__ import annotations

import random
from dataclasses import replace

from matcher.ranking.context import CONTEXT_DOCUMENTS, QueryContext, _overlap, score_columns
from tests.matching.candidate_dicts import score_entities
from matcher.ranking.features import availability, recency_feature
from tests.matching.candidate_dicts import relevance_columns, relevance_features
from matcher.ranking.scored import ScoredEntity
from matcher.ranking.scorer import RELEVANCE_FEATURES, SHORT_FEATURES, load_config
from matcher.types import EntityCard
from tests.matching.test_relevance_pooling import _world


def _one_dict_per_entity(cards, relevance, doc_order, cfg, ctx):  # type: ignore[no-untyped-def]
    """The per-entity definition: each entity's features as one dict, scored by ScorerConfig.score."""
    with_caps = bool(ctx.query_caps) and cfg.weights.get("capability", 0.0) != 0.0
    scored = []
    for entity_id, card in cards.items():
        docs = doc_order[entity_id]
        features = dict(relevance[entity_id])
        matched: tuple[str, ...] = ()
        if with_caps:
            features["capability"], matched = _overlap(ctx, card, docs)
        else:
            features["capability"] = 0.0
        features["region"] = 1.0 if ctx.regions and (card.region or "").lower() in ctx.regions else 0.0
        features["recency"] = recency_feature([ctx.doc_years.get(d) for d in docs[:CONTEXT_DOCUMENTS]], ctx.this_year)
        features["availability"] = availability(card.kind, card.status)
        for name, short in zip(RELEVANCE_FEATURES, SHORT_FEATURES):
            features[short] = features.get(name, 0.0) * ctx.brevity
        scored.append(ScoredEntity(cfg.score(features), card, features, matched, tuple(docs)))
    scored.sort(key=lambda m: (-m.score, m.card.id))
    return scored


def test_columns_score_as_one_dict_per_entity() -> None:
    rng = random.Random(11)
    base = load_config()
    configs = (base, base.for_length(5), replace(base, scale=(1.37, -0.21)),
               replace(base, weights={**base.weights, "capability": 0.7, "recency": 0.3}))
    for trial in range(120):
        candidates, cards, years, more = _world(rng)
        cards = {i: replace(c, region=rng.choice([None, "TX", "tx", "KR-47"]),
                            status=rng.choice([None, "available", "retired", "maybe"]),
                            added_capabilities=tuple(rng.sample(["c:a", "c:b"], rng.randint(0, 1))))
                 for i, c in cards.items()}
        cfg = configs[trial % len(configs)]
        semantic, floor = rng.random() < 0.8, rng.choice([0.0, 3.5])
        query_caps = {"c:a": 1.0, "c:b": 0.5} if rng.random() < 0.5 else {}
        doc_caps = {d: {rng.choice(["c:a", "c:b", "c:c"]): rng.uniform(0, 1)} for d in years}
        ctx = QueryContext(query_caps, frozenset(rng.sample(["tx", "kr-47"], rng.randint(0, 2))),
                           rng.choice([0.0, 0.6, 1.0]), years, doc_caps, {"c:a": 2.0}, this_year=2026)
        got = score_columns(cards, relevance_columns(candidates, cards, cfg, years, semantic, floor, more), cfg, ctx)
        relevance, order = relevance_features(candidates, cards, cfg, years, semantic, floor, more)
        want = _one_dict_per_entity(cards, relevance, order, cfg, ctx)
        assert [(m.score, m.card, list(m.components.items()), m.matched, m.documents) for m in got] == \
            [(m.score, m.card, list(m.components.items()), m.matched, m.documents) for m in want]
        assert all(type(v) is float for m in got for v in m.components.values())  # never numpy scalars
        again = score_entities(cards, relevance, order, cfg, ctx)
        assert [(m.score, dict(m.components)) for m in again] == [(m.score, dict(m.components)) for m in want]


def test_a_feature_row_reads_like_a_dict() -> None:
    card = EntityCard("researcher:1", "researcher", "R", None, None, "researcher:1")
    cfg = load_config()
    ctx = QueryContext({}, frozenset(), 0.5, {}, this_year=2026)
    (item,) = score_entities({card.id: card}, {card.id: {"profile": 1.0, "lexical": 0.5, "name": 0.0}},
                             {card.id: []}, cfg, ctx)
    components = item.components
    assert components["profile"] == 1.0 and components.get("missing", 2.0) == 2.0 and "lexical" in components
    assert list(components) == ["profile", "lexical", "name", "capability", "region", "recency", "availability",
                                *SHORT_FEATURES]
    assert components == dict(components) and len(components) == len(dict(components))
    assert item.with_capabilities(0.25, ("c:a",)).components["capability"] == 0.25


def test_scored_entity_of_is_the_constructor() -> None:
    card = EntityCard("researcher:1", "researcher", "R", None, None, "researcher:1")
    fast, built = ScoredEntity.of(1.5, card, {"x": 1.0}, ("c:a",), ("document:1",)), \
        ScoredEntity(1.5, card, {"x": 1.0}, ("c:a",), ("document:1",))
    assert fast == built and repr(fast) == repr(built) and replace(fast, score=2.0) == replace(built, score=2.0)
    try:
        fast.score = 3.0  # type: ignore[misc]
    except AttributeError:  # dataclasses.FrozenInstanceError
        pass
    else:
        raise AssertionError("ScoredEntity.of must stay frozen")
