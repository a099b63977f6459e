"""The tests' readable form of a query's candidates: one Candidate per entity, turned into the
CandidateTable that matching gathers directly (matcher.ranking.candidates) and ranked by relevance_table."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from matcher.ranking.context import QueryContext, score_columns
from matcher.ranking.relevance import CandidateTable, RelevanceColumns, relevance_table
from matcher.ranking.scored import ScoredList
from matcher.ranking.scorer import ScorerConfig
from matcher.types import EntityCard


@dataclass
class Candidate:
    """One entity in the running: its raw profile score and its retrieved documents."""

    entity_id: str
    profile: float | None = None  # raw profile BM25; None when not retrieved
    tainted: bool = False  # its profile contains an excluded document: use the pooled documents instead
    named: bool = False  # the problem text writes its name
    docs: dict[str, tuple[float, float | None]] = field(default_factory=dict)  # doc id -> (BM25 or 0, cosine)


def table_of(candidates: Mapping[str, Candidate], ids: Sequence[str] | None = None) -> CandidateTable:
    """The candidates of `ids` (default: all, in their order) as a table."""
    ids = list(candidates if ids is None else ids)
    owner: list[int] = []
    doc_ids: list[str] = []
    bm25: list[float] = []
    cosine: list[float] = []
    for position, entity_id in enumerate(ids):
        docs = candidates[entity_id].docs
        owner.extend([position] * len(docs))
        doc_ids.extend(docs)
        for lex, cos in docs.values():
            bm25.append(lex)
            cosine.append(math.nan if cos is None else cos)
    chosen = [candidates[i] for i in ids]
    profile = [math.nan if c.profile is None else c.profile for c in chosen]
    return CandidateTable(ids, np.array(profile, dtype=np.float64), np.array([c.named for c in chosen], dtype=bool),
                          np.array([c.tainted for c in chosen], dtype=bool), np.array(owner, dtype=np.intp), doc_ids,
                          np.array(bm25, dtype=np.float64), np.array(cosine, dtype=np.float64))


def relevance_columns(candidates: dict[str, Candidate], cards: dict[str, EntityCard], cfg: ScorerConfig,
                      doc_years: dict[str, int | None], semantic: bool, profile_floor: float,
                      more_cosines: Mapping[str, Mapping[str, float]] | None = None) -> RelevanceColumns:
    """relevance_table of the candidates of `cards`, in its order."""
    return relevance_table(table_of(candidates, list(cards)), cards, cfg, doc_years, semantic, profile_floor,
                           more_cosines)


def relevance_features(candidates: dict[str, Candidate], cards: dict[str, EntityCard], cfg: ScorerConfig,
                       doc_years: dict[str, int | None], semantic: bool, profile_floor: float,
                       more_cosines: Mapping[str, Mapping[str, float]] | None = None,
                       ) -> tuple[dict[str, dict[str, float]], Mapping[str, list[str]]]:
    """Per entity the z-scored relevance signals as a dict, and its documents best first."""
    columns = relevance_columns(candidates, cards, cfg, doc_years, semantic, profile_floor, more_cosines)
    return columns.rows(), columns.doc_order


def score_entities(cards: Mapping[str, EntityCard], relevance: Mapping[str, dict[str, float]],
                   doc_order: Mapping[str, list[str]], cfg: ScorerConfig, ctx: QueryContext) -> ScoredList:
    """score_columns over relevance given as one dict per entity (every entity with the same signals): the
    tests' readable form of what matching passes as columns."""
    ids = list(cards)
    names = tuple(relevance[ids[0]]) if ids else ()
    if any(tuple(relevance[i]) != names for i in ids):
        raise ValueError("score_entities: every entity needs the same relevance signals, in the same order")
    columns = tuple([relevance[i][name] for i in ids] for name in names)
    return score_columns(cards, RelevanceColumns(ids, names, columns, dict(doc_order)), cfg, ctx)
