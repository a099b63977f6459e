"""score_entities reads recency from the latest known year of an entity's first documents: the same value
recency_feature gives over those documents' years, whatever the years (missing, 0, equal, far past)."""
from __future__ import annotations

import random

from matcher.ranking.context import CONTEXT_DOCUMENTS, QueryContext
from tests.matching.candidate_dicts import score_entities
from matcher.ranking.features import recency_feature
from matcher.ranking.scorer import load_config
from matcher.types import EntityCard


def test_recency_in_score_entities_is_recency_feature_of_the_first_documents() -> None:
    rng = random.Random(7)
    docs = [f"document:{i}" for i in range(40)]
    years = {d: rng.choice([None, 0, -5, 1990, 2011, 2011, 2019, 2024, 2026, 2031]) for d in docs}
    cards, relevance, order = {}, {}, {}
    for i in range(200):
        entity_id = f"researcher:{i}"
        cards[entity_id] = EntityCard(entity_id, "researcher", f"R{i}", None, None, entity_id)
        relevance[entity_id] = {"profile": 0.0, "lexical": 0.0, "semantic": 0.0, "name": 0.0}
        order[entity_id] = rng.sample(docs, rng.randint(0, 6))
    ctx = QueryContext({}, frozenset(), 0.5, years, this_year=2026)
    scored = score_entities(cards, relevance, order, load_config(), ctx)
    assert len(scored) == 200
    for item in scored:
        expected = recency_feature([years.get(d) for d in item.documents[:CONTEXT_DOCUMENTS]], 2026)
        assert item.components["recency"] == expected
    assert {item.components["recency"] for item in scored} >= {0.5, 1.0, 0.0}  # unknown, this year, too old
