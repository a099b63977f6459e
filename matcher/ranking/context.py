"""The features beside relevance: capability overlap, region, recency, availability, and brevity terms.

Each entity's relevance signals (matcher.ranking.relevance) are joined by what the problem's context
says of it, then the versioned weights fuse them into its score. Everything here is computed from what
the caller read for it (capabilities of documents, their years, capability rarity): no store access.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload
from datetime import date

import numpy as np

from matcher.ranking.features import (
    availability,
    capability_overlap,
    entity_capabilities,
    rarity_weights,
    recency_feature,
)
from matcher.ranking.relevance import RelevanceColumns
from matcher.ranking.scored import FeatureRow, ScoredEntity, ScoredList
from matcher.ranking.scorer import RELEVANCE_FEATURES, SHORT_FEATURES, ScorerConfig
from matcher.types import EntityCard

#: An entity's capabilities and recency are read from its best few documents.
CONTEXT_DOCUMENTS = 3
_SHORT_NAMES = tuple(zip(RELEVANCE_FEATURES, SHORT_FEATURES))


@dataclass(frozen=True)
class QueryContext:
    """What each candidate is compared with beside the query's words and meaning."""

    query_caps: Mapping[str, float]  # the problem's taxonomy capabilities and their weights
    regions: frozenset[str]  # wanted regions, lower case; empty: no preference
    brevity: float  # matcher.ranking.features.brevity of the problem text
    doc_years: Mapping[str, int | None]
    doc_caps: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # empty unless capabilities weigh
    rarity: Mapping[str, float] = field(default_factory=dict)
    this_year: int = field(default_factory=lambda: date.today().year)


def weighs_capabilities(cfg: ScorerConfig, query_caps: Mapping[str, float]) -> bool:
    """Whether capability overlap is part of the score; else it is computed for the shown page only."""
    return bool(query_caps) and cfg.weights.get("capability", 0.0) != 0.0


def context_documents(document_lists: Iterable[Sequence[str]]) -> list[str]:
    """The documents whose capabilities the context features read, sorted for one look-up."""
    return sorted({d for docs in document_lists for d in docs[:CONTEXT_DOCUMENTS]})


def rarity(document_frequency: Mapping[str, int], total_holders: int) -> dict[str, float]:
    return rarity_weights(document_frequency, max(total_holders, 1))


def score_columns(cards: Mapping[str, EntityCard], relevance: RelevanceColumns, cfg: ScorerConfig,
                  ctx: QueryContext) -> ScoredList:
    """Every card scored: its relevance signals, the context features and the fused score, best first.

    Each feature is a column over all candidates (relevance.ids, in the order of `cards`); the fused scores
    are summed a feature at a time (ScorerConfig.column_scores: the same additions in the same order as
    ScorerConfig.score, so the same floats), and an entity's features become a dict only when read
    (scored.FeatureRow: the shown page's)."""
    ids = relevance.ids
    if list(cards) != ids:
        raise ValueError("score_columns: the relevance columns must follow the order of the cards")
    size = len(ids)
    card_list = list(cards.values())
    doc_order = relevance.doc_order  # read per entity: every one only when capabilities weigh
    if weighs_capabilities(cfg, ctx.query_caps):
        overlaps = [_overlap(ctx, card, doc_order[entity_id]) for entity_id, card in zip(ids, card_list)]
        capability = [overlap for overlap, _ in overlaps]
        matched_of = [matched for _, matched in overlaps]
    else:  # the shown page gets its overlap in page_capabilities
        capability = [0.0] * size
        matched_of = [()] * size
    regions = ctx.regions
    region = [1.0 if (card.region or "").lower() in regions else 0.0 for card in card_list] if regions \
        else [0.0] * size
    recent: Sequence[float] = _RecencyColumn(ids, doc_order, ctx.doc_years, ctx.this_year)
    if cfg.weights.get("recency", 0.0) != 0.0:  # it weighs: every row now (else only the rows read: the page's)
        recent = list(recent)
    available: dict[tuple[str, str | None], float] = {}  # (kind, status) -> availability: few distinct pairs
    availability_: list[float] = []
    for card in card_list:
        kind_status = (card.kind, card.status)
        value = available.get(kind_status)
        if value is None:
            value = available[kind_status] = availability(*kind_status)
        availability_.append(value)
    brevity = ctx.brevity
    columns: dict[str, Sequence[float]] = dict(zip(relevance.names, relevance.columns))
    columns.update(capability=capability, region=region, recency=recent, availability=availability_)
    for name, short in _SHORT_NAMES:  # features.get(name, 0.0) * brevity, for every row at once
        values = columns.get(name)
        columns[short] = (np.array(values, dtype=np.float64) * brevity).tolist() if values is not None \
            else (np.zeros(size, dtype=np.float64) * brevity).tolist()
    scores = cfg.column_scores(columns, size)
    names, table = tuple(columns), tuple(columns.values())
    order = sorted(range(size), key=list(zip([-score for score in scores], ids)).__getitem__)  # best first, then id
    scored = ScoredEntity.of

    def make(row: int) -> ScoredEntity:
        return scored(scores[row], card_list[row], FeatureRow(names, table, row), matched_of[row],
                      tuple(doc_order[ids[row]]))

    return ScoredList(order, [card.kind for card in card_list], make)


class _RecencyColumn(Sequence[float]):
    """The recency feature of each candidate, computed when its row is read: it weighs nothing in the score
    (weights.json), so only the shown page's rows are ever read. recency_feature reads only the latest known
    year of an entity's first documents."""

    def __init__(self, ids: Sequence[str], doc_order: Mapping[str, Sequence[str]], years: Mapping[str, int | None],
                 this_year: int) -> None:
        self._ids = ids
        self._doc_order = doc_order
        self._years = years
        self._this_year = this_year
        self._known: dict[int | None, float] = {}  # latest year -> recency: few distinct years

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, row: int) -> float: ...

    @overload
    def __getitem__(self, row: slice) -> list[float]: ...

    def __getitem__(self, row: int | slice) -> float | list[float]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        year_of = self._years.get
        latest = None
        for doc_id in self._doc_order[self._ids[row]][:CONTEXT_DOCUMENTS]:
            year = year_of(doc_id)
            if year and (latest is None or year > latest):
                latest = year
        value = self._known.get(latest)
        if value is None:
            value = self._known[latest] = recency_feature([] if latest is None else [latest], self._this_year)
        return value


def page_capabilities(page: Sequence[ScoredEntity], query_caps: Mapping[str, float],
                      doc_caps: Mapping[str, Mapping[str, float]], rarity: Mapping[str, float]) -> list[ScoredEntity]:
    """Matched capabilities for the shown page only (explanation, not ranking)."""
    ctx = QueryContext(query_caps, frozenset(), 0.0, {}, doc_caps, rarity)
    return [item.with_capabilities(*_overlap(ctx, item.card, item.documents)) for item in page]


def _overlap(ctx: QueryContext, card: EntityCard, docs: Sequence[str]) -> tuple[float, tuple[str, ...]]:
    caps = entity_capabilities(docs, ctx.doc_caps, card.added_capabilities, card.removed_capabilities)
    overlap, matched = capability_overlap(ctx.query_caps, caps, ctx.rarity)
    return overlap, tuple(matched)
