"""The TF-IDF and BM25 baselines rank entities by their documents and never count a query's own document."""
from __future__ import annotations

import pytest

from matcher.ranking.baselines import build

DOCS = [
    {"id": "d1", "title": "Laser welding of aluminium", "text": "Porosity in laser welded aluminium housings.",
     "entity_ids": ["welder"]},
    {"id": "d2", "title": "Welding seams", "text": "Keyhole porosity in the weld seam of battery trays.",
     "entity_ids": ["welder"]},
    {"id": "d3", "title": "Thermal spray coatings", "text": "Coatings protect offshore steel against corrosion.",
     "entity_ids": ["coater"]},
    {"id": "q1", "title": "Corrosion of offshore steel", "text": "Thermal spray against corrosion at sea.",
     "entity_ids": ["coater", "welder"]},
]
ENTITIES = ["welder", "coater", "nobody"]


@pytest.mark.parametrize("kind", ["tfidf", "bm25"])
@pytest.mark.parametrize("pooling", ["max", "top3"])
def test_ranks_by_documents(kind: str, pooling: str) -> None:
    ranker = build(kind, DOCS, ENTITIES)
    assert ranker.rank("porosity in laser welding", pooling=pooling)[0] == "welder"
    assert ranker.rank("offshore corrosion coatings", pooling=pooling, exclude_doc="q1")[0] == "coater"
    assert "nobody" not in ranker.rank("porosity corrosion welding", pooling=pooling)


@pytest.mark.parametrize("kind", ["tfidf", "bm25"])
def test_own_document_is_not_evidence(kind: str) -> None:
    ranker = build(kind, DOCS, ENTITIES)
    query = "thermal spray against corrosion at sea"
    assert "welder" in ranker.rank(query)  # only through q1
    assert "welder" not in ranker.rank(query, exclude_doc="q1")


def test_top3_pooling_rewards_a_body_of_work() -> None:
    ranker = build("bm25", DOCS, ENTITIES)
    # "porosity" is in two welder documents: top-3 pooling sums them, so the welder's lead grows.
    assert ranker.rank("porosity", pooling="top3") == ["welder"]


def test_unknown_baseline_is_an_error() -> None:
    with pytest.raises(ValueError, match="baseline"):
        build("lsa", DOCS, ENTITIES)
