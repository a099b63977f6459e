"""Per entity the query's relevance signals (profile BM25, pooled document BM25, pooled cosines), z-scored.

Raw BM25 scores and cosines live on scales that vary by query, so each is calibrated over the query's
candidates before fusion (RANKING_NOTES: a plain sum of raw values measured worse than either alone).
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from matcher.ranking.pooling import recency_weight
from matcher.ranking.scorer import ScorerConfig
from matcher.types import PROFILED_ENTITY_KINDS, EntityCard, Hit, entity_kind


@dataclass
class CandidateTable:
    """Every candidate of a query as columns: one entry per entity and one row per (entity, document) pair,
    an entity's rows in the order it met its documents (what ties in its document order keep).

    The same facts as one object and dict per candidate (the tests' reference form,
    tests/matching/candidate_dicts.py) without them: a search gathers ~300 candidates and ~280 document
    rows, and walking them one by one in several passes cost more than the numpy work on the columns.
    """

    ids: list[str]
    profile: np.ndarray  # raw profile BM25 (float64), NaN: not retrieved
    named: np.ndarray  # bool: the problem text writes its name
    tainted: np.ndarray  # bool: its profile holds an excluded document
    owner: np.ndarray  # intp, per row: the entity's position in ids
    doc_ids: list[str]  # per row
    bm25: np.ndarray  # float64 per row: BM25, 0.0 for a document found by meaning or an entity's own
    cosine: np.ndarray  # float64 per row: cosine with the query, NaN: none

    def documents(self) -> list[str]:
        """Every candidate document, sorted (one SQL or vector look-up for them all)."""
        return sorted(set(self.doc_ids))

    def keep_rows(self, keep: np.ndarray) -> CandidateTable:
        """The same entities with only the rows of `keep` (a boolean mask)."""
        rows = np.flatnonzero(keep).tolist()
        doc_ids = self.doc_ids
        return CandidateTable(self.ids, self.profile, self.named, self.tainted, self.owner[keep],
                              [doc_ids[r] for r in rows], self.bm25[keep], self.cosine[keep])

    def with_cosines(self, cosines: Mapping[str, float]) -> CandidateTable:
        """Each row's cosine from doc id -> cosine (NaN for a document without one)."""
        get, nan = cosines.get, math.nan
        return CandidateTable(self.ids, self.profile, self.named, self.tainted, self.owner, self.doc_ids, self.bm25,
                              np.array([get(d, nan) for d in self.doc_ids], dtype=np.float64))

    def select(self, keep: np.ndarray) -> CandidateTable:
        """The entities of `keep` (a boolean mask over ids), in their order, with their rows."""
        position = np.cumsum(keep) - 1  # new position of each kept entity
        rows = keep[self.owner]
        kept_rows = np.flatnonzero(rows).tolist()
        doc_ids = self.doc_ids
        ids = self.ids
        return CandidateTable([ids[p] for p in np.flatnonzero(keep).tolist()], self.profile[keep], self.named[keep],
                              self.tainted[keep], position[self.owner[rows]].astype(np.intp),
                              [doc_ids[r] for r in kept_rows], self.bm25[rows], self.cosine[rows])


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


@dataclass(frozen=True)
class RelevanceColumns:
    """The z-scored relevance signals of every candidate as columns (one Python list per signal, rows in
    `ids` order): scoring reads them a signal at a time, and only the shown page's rows become dicts."""

    ids: list[str]
    names: tuple[str, ...]  # the signals in the order an entity's features list them; "name" last
    columns: tuple[list[float], ...]  # one per name, aligned with ids
    doc_order: Mapping[str, list[str]]  # each entity's documents best first (for the evidence)

    def rows(self) -> dict[str, dict[str, float]]:
        """entity id -> its signals as a dict."""
        names = self.names
        return {entity_id: dict(zip(names, values)) for entity_id, values in zip(self.ids, zip(*self.columns))}


def relevance_table(table: CandidateTable, cards: Mapping[str, EntityCard], cfg: ScorerConfig,
                    doc_years: Mapping[str, int | None], semantic: bool, profile_floor: float,
                    more_cosines: Mapping[str, Mapping[str, float]] | None = None,
                    entity_signals: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None) -> RelevanceColumns:
    """The z-scored relevance signals of the table's entities, in its order (cards: at least theirs), as columns.

    `more_cosines` (signal name -> doc id -> cosine, e.g. matcher.ranking.feedback's) are pooled and
    z-scored like the semantic signal, each as a signal of its own; `entity_signals` (signal name -> (value,
    has a value) per entity in the table's order, e.g. matcher.ranking.distinctive's) are z-scored, the
    entities without a value at the lowest one seen. The pooling runs in numpy over every
    candidate's documents at once, with the same floating-point operations in the same order as
    matcher.ranking.pooling.decayed_top_k, so the values are the same to the last bit.
    """
    this_year = date.today().year
    decay = cfg.pooling_decay
    more_cosines = more_cosines or {}
    ids = table.ids
    card_list = list(map(cards.__getitem__, ids))
    flat = _Flat(table, [card.recency_half_life for card in card_list], doc_years, this_year, more_cosines)
    raw: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # name -> (values, has a value) in `ids` order
    lexical = flat.pooled(flat.lex, np.ones(len(flat.lex), dtype=bool), decay)
    raw["lexical"] = (lexical, np.ones(len(ids), dtype=bool))
    if semantic:
        raw["semantic"] = _pooled_present(flat, flat.sem, decay)
    for name, values in flat.more.items():
        raw[name] = _pooled_present(flat, values, decay)
    best = flat.best_of_each(flat.lex)  # max(lex, default=0.0), their one document's score
    own_document = np.array([card.kind in ("equipment", "project") for card in card_list], dtype=bool)
    profile = np.where(own_document, best, flat.profile)
    raw["profile"] = (profile, own_document | flat.has_profile)
    doc_order = flat.document_order()
    z = {name: _z_scores(*raw[name], cfg.z_top, missing=(profile_floor if name == "profile" else 0.0))
         for name in ("profile", "lexical")}
    raw.update(entity_signals or {})
    for name in (*(("semantic", *more_cosines) if semantic else ()), *(entity_signals or {})):
        values, present = raw[name]
        if present.any():
            z[name] = _z_scores(values, present, cfg.z_top, missing=float(values[present].min()))
    columns = {name: values.tolist() for name, values in z.items()}
    if table.tainted.any():  # the profile holds an excluded document: judge by the rest
        profile_column, lexical_column = columns["profile"], columns["lexical"]
        for i in np.flatnonzero(table.tainted).tolist():
            if entity_kind(ids[i]) in PROFILED_ENTITY_KINDS:
                profile_column[i] = lexical_column[i]
    columns["name"] = np.where(table.named, 1.0, 0.0).tolist()
    return RelevanceColumns(ids, tuple(columns), tuple(columns.values()), doc_order)


class _Flat:
    """Every candidate's documents in one row each: owner position, pooled values, document order keys."""

    def __init__(self, table: CandidateTable, half_lives: Sequence[float | None],
                 doc_years: Mapping[str, int | None], this_year: int,
                 more_cosines: Mapping[str, Mapping[str, float]]) -> None:
        nan = math.nan
        ids = table.ids
        self.size = len(ids)
        self.ids = ids
        self.doc_ids = doc_ids = table.doc_ids
        self.owner = table.owner
        self.bm25 = table.bm25
        cosine = table.cosine
        self.cosine = np.where(np.isnan(cosine), 0.0, cosine)  # `cosine or 0.0` of the document order
        self.lex, self.sem = self.bm25.copy(), cosine.copy()
        self.has_profile = ~np.isnan(table.profile) & ~table.tainted
        self.profile = np.where(self.has_profile, table.profile, 0.0)
        weighted: list[tuple[list[int], list[float]]] = []  # (rows, recency weights) of entities with a half-life
        if any(half_lives):  # else no recency preference (nearly everyone): every weight is 1.0, x * 1.0 is x
            rows_of: dict[int, list[int]] = {}
            for row, position in enumerate(self.owner.tolist()):
                rows_of.setdefault(position, []).append(row)
            for position, half_life in enumerate(half_lives):
                if not half_life:
                    continue
                rows = rows_of.get(position, [])
                weights = [recency_weight(doc_years.get(doc_ids[r]), this_year, half_life) for r in rows]
                weighted.append((rows, weights))
                if self.has_profile[position] and weights:
                    self.profile[position] = float(table.profile[position]) * (sum(weights) / len(weights))
                for row, w in zip(rows, weights):  # the same products as pooling them one entity at a time
                    self.lex[row] = float(self.bm25[row]) * w
                    self.sem[row] = cosine[row] * w
        self.more: dict[str, np.ndarray] = {}
        for name, values in more_cosines.items():
            column = np.array([values.get(d, nan) for d in doc_ids], dtype=np.float64)
            for rows, weights in weighted:
                for row, w in zip(rows, weights):
                    if doc_ids[row] in values:
                        column[row] = values[doc_ids[row]] * w
            self.more[name] = column

    def pooled(self, values: np.ndarray, keep: np.ndarray, decay: Sequence[float]) -> np.ndarray:
        """matcher.ranking.pooling.decayed_top_k of each owner's kept values (0.0 for an owner with none)."""
        owner, values = self.owner[keep], values[keep]
        order = np.lexsort((-values, owner))  # by owner, best first
        owner, values = owner[order], values[order]
        rank = np.arange(len(owner)) - np.searchsorted(owner, owner)  # place within its owner
        total = np.zeros(self.size, dtype=np.float64)
        for place, weight in enumerate(decay):  # sum() adds w*s best first, starting from 0
            at = rank == place
            total[owner[at]] += weight * values[at]
        return total / sum(decay)

    def best_of_each(self, values: np.ndarray) -> np.ndarray:
        """Each owner's largest value, 0.0 for an owner without any."""
        best = np.zeros(self.size, dtype=np.float64)
        if len(values):
            np.maximum.at(best, self.owner, values)  # values are >= 0 (BM25), so 0.0 is a neutral start
        return best

    def document_order(self) -> DocumentOrder:
        """Each owner's documents by BM25 relative to its best plus cosine, best first; ties keep their order."""
        best = self.best_of_each(self.bm25)
        best[best == 0.0] = 1.0  # `max(...) or 1.0`
        key = -(self.bm25 / best[self.owner] + self.cosine)
        order = np.lexsort((key, self.owner))  # stable: equal keys keep the candidate's document order
        starts = np.searchsorted(self.owner[order], np.arange(self.size + 1))
        return DocumentOrder(self.ids, self.doc_ids, order.tolist(), starts.tolist())


class DocumentOrder(Mapping[str, list[str]]):
    """Each entity's documents best first, cut from one ranked list of rows when asked for: scoring reads
    them for the page it shows (its evidence), not for the few hundred other candidates."""

    __slots__ = ("_ids", "_doc_ids", "_order", "_bounds", "_position")

    def __init__(self, ids: Sequence[str], doc_ids: Sequence[str], order: list[int], bounds: list[int]) -> None:
        self._ids = ids
        self._doc_ids = doc_ids
        self._order = order  # rows by entity, each entity's best first
        self._bounds = bounds  # entity at position p: order[bounds[p]:bounds[p + 1]]
        self._position: dict[str, int] | None = None

    def __getitem__(self, entity_id: str) -> list[str]:
        position = self._position
        if position is None:
            position = self._position = {entity_id: p for p, entity_id in enumerate(self._ids)}
        p = position[entity_id]
        doc_ids = self._doc_ids
        return [doc_ids[row] for row in self._order[self._bounds[p]:self._bounds[p + 1]]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def _pooled_present(flat: _Flat, values: np.ndarray, decay: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Pooled values of the owners with at least one value (NaN: none for that document), and which those are."""
    keep = ~np.isnan(values)
    present = np.zeros(flat.size, dtype=bool)
    present[flat.owner[keep]] = True
    return flat.pooled(values, keep, decay), present


def _z_scores(values: np.ndarray, present: np.ndarray, top: int, missing: float) -> np.ndarray:
    """matcher.ranking.features.z_scores over arrays: owners without a value get `missing` (or 0.0)."""
    raw = np.where(present, values, missing or 0.0)
    if not len(raw):
        return raw
    best = np.sort(raw)[::-1][: max(top, 2)]
    mu = float(best.mean())
    sd = float(best.std())
    if sd <= 1e-9:
        return np.zeros(len(raw), dtype=np.float64)
    return (raw - mu) / sd
