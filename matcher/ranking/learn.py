"""Fusion weights learned from judged pairs instead of set by hand (RANKING_NOTES: hand-set weights overfit one set).

Input: per query, every candidate's features (matcher.services.matching.candidate_features) and the
judgements (dev-set qrels, or coordinators' decisions from `curation export`). A logistic regression on
the feature differences of (better, worse) pairs of one query learns how much each relevance signal, and
each signal times the query's brevity, counts. The fitted weights replace the current ones only when
they rank better on folds of queries they were not fitted on.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from matcher.ranking.metrics import ndcg_at, reciprocal_rank
from matcher.ranking.scorer import RELEVANCE_FEATURES, SHORT_FEATURES

#: The weights that are learned; the rest (name, region, availability...) keep their value: the judged
#: sets do not exercise them (no region asked, no names written) and they are product rules.
LEARNED = (*RELEVANCE_FEATURES, *SHORT_FEATURES)
#: Hardest negatives per query: the best-scored unjudged or non-relevant candidates under the start weights.
NEGATIVES = 40


@dataclass(frozen=True)
class JudgedQuery:
    """One query's candidates (entity id, features) and its graded judgements."""

    query_id: str
    candidates: tuple[tuple[str, Mapping[str, float]], ...]
    judged: Mapping[str, float]


@dataclass(frozen=True)
class LearnReport:
    """Cross-validated metrics of the current and the learned weights, and the weights fitted on all queries."""

    queries: int
    folds: int
    current: dict[str, float]
    learned: dict[str, float]
    weights: dict[str, float]

    @property
    def better(self) -> bool:
        return self.learned["ndcg@10"] > self.current["ndcg@10"]


def score(features: Mapping[str, float], weights: Mapping[str, float]) -> float:
    return sum(w * features.get(name, 0.0) for name, w in weights.items())


def ranked(query: JudgedQuery, weights: Mapping[str, float]) -> list[str]:
    """Candidate ids best first under `weights` (ties by id, as match() does)."""
    order = sorted(query.candidates, key=lambda c: (-score(c[1], weights), c[0]))
    return [entity for entity, _ in order]


def metrics(queries: Sequence[JudgedQuery], weights: Mapping[str, float]) -> dict[str, float]:
    """Mean nDCG@10 and MRR of re-ranking the candidates (no diversity rule: that only reorders a page)."""
    if not queries:
        return {"ndcg@10": 0.0, "mrr": 0.0}
    nd = mrr = 0.0
    for q in queries:
        order = ranked(q, weights)
        nd += ndcg_at(order, q.judged)
        mrr += reciprocal_rank(order, {e for e, r in q.judged.items() if r > 0})
    return {"ndcg@10": round(nd / len(queries), 4), "mrr": round(mrr / len(queries), 4)}


def pair_differences(queries: Sequence[JudgedQuery], start: Mapping[str, float]) -> np.ndarray:
    """Rows of features(better) - features(worse) over LEARNED, for pairs within each query."""
    rows = []
    for q in queries:
        judged = [(e, f) for e, f in q.candidates if q.judged.get(e, 0.0) > 0]
        others = [(e, f) for e, f in q.candidates if q.judged.get(e, 0.0) <= 0]
        others.sort(key=lambda c: (-score(c[1], start), c[0]))
        for e, f in judged:
            better = np.array([f.get(n, 0.0) for n in LEARNED])
            worse = [(q.judged.get(o, 0.0), g) for o, g in others[:NEGATIVES]]
            worse += [(q.judged[o], g) for o, g in judged if q.judged[o] < q.judged[e]]
            rows += [better - np.array([g.get(n, 0.0) for n in LEARNED]) for _, g in worse]
    return np.array(rows, dtype=np.float64).reshape(-1, len(LEARNED))


def fit(queries: Sequence[JudgedQuery], start: Mapping[str, float], c: float = 1.0) -> dict[str, float]:
    """The start weights with LEARNED replaced by a pairwise logistic regression's coefficients.

    Coefficients are rescaled to the start weights' total on LEARNED, so the fixed weights (name,
    region...) keep their meaning beside them.
    """
    diffs = pair_differences(queries, start)
    if len(diffs) == 0:
        return dict(start)
    x = np.vstack([diffs, -diffs])
    y = np.r_[np.ones(len(diffs)), np.zeros(len(diffs))]
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000).fit(x, y)
    coef = model.coef_.ravel()
    total = sum(abs(start.get(n, 0.0)) for n in LEARNED) or 1.0
    coef = coef * total / max(float(np.abs(coef).sum()), 1e-12)
    out = dict(start)
    out.update({n: round(float(w), 4) for n, w in zip(LEARNED, coef)})
    return out


class _Matrices:
    """Each query's candidates as arrays (ordered by id, so a stable sort breaks ties by id like match())."""

    def __init__(self, queries: Sequence[JudgedQuery], start: Mapping[str, float],
                 names: Sequence[str] = LEARNED) -> None:
        fixed = {k: v for k, v in start.items() if k not in names}
        self.rows = []
        for q in queries:
            cands = sorted(q.candidates, key=lambda c: c[0])
            x = np.array([[f.get(n, 0.0) for n in names] for _, f in cands], dtype=np.float64).reshape(-1, len(names))
            base = np.array([score(f, fixed) for _, f in cands], dtype=np.float64)
            gains = np.array([q.judged.get(e, 0.0) for e, _ in cands], dtype=np.float64)
            ideal = sorted(q.judged.values(), reverse=True)[:10]
            self.rows.append((x, base, gains, sum(g / np.log2(i + 2) for i, g in enumerate(ideal))))
        self.discount = 1.0 / np.log2(np.arange(10) + 2)

    def ndcg(self, w: np.ndarray) -> float:
        total = 0.0
        for x, base, gains, ideal in self.rows:
            if ideal <= 0 or len(base) == 0:
                continue
            top = np.argsort(-(base + x @ w), kind="stable")[:10]
            total += float(gains[top] @ self.discount[: len(top)]) / ideal
        return total / max(len(self.rows), 1)


#: Coordinate ascent: relative steps tried on each weight per round.
#: A step is kept only when it raises the training nDCG@10 by this much (fewer steps that fit noise).
MIN_GAIN = 0.001
STEPS = (-2.0, -1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0, 2.0)


def fit_ascent(queries: Sequence[JudgedQuery], start: Mapping[str, float], rounds: int = 3,
               names: Sequence[str] = LEARNED) -> dict[str, float]:
    """Coordinate ascent on nDCG@10 from the start weights (listwise: the metric itself is what is optimised).

    Each round tries, for each learned weight (`names`) in turn, steps of STEPS x the weights' scale and keeps
    the best that improves the training queries' nDCG@10.
    """
    data = _Matrices(queries, start, names)
    w = np.array([start.get(n, 0.0) for n in names], dtype=np.float64)
    best = data.ndcg(w)
    scale = max(float(np.abs(w).sum()), 1.0) / 2
    for _ in range(rounds):
        improved = False
        for i in range(len(names)):
            for step in STEPS:
                trial = w.copy()
                trial[i] += step * scale
                value = data.ndcg(trial)
                if value > best + MIN_GAIN:
                    w, best, improved = trial, value, True
        if not improved:
            break
        scale /= 2
    return {**start, **{n: round(float(v), 4) for n, v in zip(names, w)}}


FITTERS = {"ascent": fit_ascent, "pairwise": fit}


def learn(queries: Sequence[JudgedQuery], start: Mapping[str, float], folds: int = 5,
          method: str = "ascent", names: Sequence[str] | None = None) -> LearnReport:
    """Fit on all but one fold and score on that fold, for every fold; then fit on every query.

    `ascent` (default) optimises nDCG@10 directly; `pairwise` is the logistic regression on pair differences,
    which lost on cross-validation on sbir-firms-masked (it weighs the pooled document BM25 like the profile's,
    which separates the relevant firm from the many but not at the top).
    """
    fitter = FITTERS[method]
    if names is not None:  # a subset of the weights, e.g. the short-text set's (coordinate ascent only)
        def fitter(train: Sequence[JudgedQuery], begin: Mapping[str, float]) -> dict[str, float]:
            return fit_ascent(train, begin, names=names)
    folds = max(2, min(folds, len(queries)))
    groups = np.arange(len(queries))
    current = {"ndcg@10": 0.0, "mrr": 0.0}
    learned = {"ndcg@10": 0.0, "mrr": 0.0}
    for train, test in GroupKFold(n_splits=folds).split(groups, groups=groups):
        held = [queries[i] for i in test]
        weights = fitter([queries[i] for i in train], start)
        for totals, w in ((current, start), (learned, weights)):
            for k, v in metrics(held, w).items():
                totals[k] += v * len(held) / len(queries)
    return LearnReport(queries=len(queries), folds=folds, current={k: round(v, 4) for k, v in current.items()},
                       learned={k: round(v, 4) for k, v in learned.items()}, weights=fitter(queries, start))


def write_version(path: Path, report: LearnReport, source: str) -> dict[str, Any]:
    """Write the learned weights as the next version of the weights file, saying what they were fitted on."""
    def update(data: dict[str, Any]) -> str:
        data["weights"] = {**data["weights"], **{k: report.weights[k] for k in LEARNED if k in report.weights}}
        return (f"{', '.join(k for k in LEARNED if k in report.weights)} learned by `flask ranking learn` (coordinate ascent) from "
                f"{source}")

    return _write_next_version(path, report, update)


def write_short_version(path: Path, report: LearnReport, source: str, max_words: int) -> dict[str, Any]:
    """Write the learned short-text weight set ("short": problems of up to `max_words` words) as the next version."""
    def update(data: dict[str, Any]) -> str:
        data["short"] = {"max_words": max_words, "weights": {k: report.weights[k] for k in RELEVANCE_FEATURES}}
        return (f"the weight set of problems up to {max_words} words ({', '.join(RELEVANCE_FEATURES)}) learned by "
                f"`flask ranking learn --short-words` (coordinate ascent) from {source}")

    return _write_next_version(path, report, update)


def _write_next_version(path: Path, report: LearnReport, update: Callable[[dict[str, Any]], str]) -> dict[str, Any]:
    """Bump the file's version, let `update` change it (it says what was learned) and prepend the note."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = int(data["version"]) + 1
    what = update(data)
    note = (f"v{data['version']}: {what}, {report.queries} queries; {report.folds}-fold cross-validated nDCG@10 "
            f"{report.current['ndcg@10']} -> {report.learned['ndcg@10']}, MRR {report.current['mrr']} -> "
            f"{report.learned['mrr']}. ")
    data["description"] = note + data.get("description", "")
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return data


def write_judged(path: Path, queries: Sequence[JudgedQuery]) -> None:
    """Keep collected candidates and judgements (one query a line) so fitting can be rerun without ranking."""
    with path.open("w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps({"query_id": q.query_id, "judged": dict(q.judged),
                                "candidates": [[e, {k: round(v, 5) for k, v in feats.items()}]
                                               for e, feats in q.candidates]}) + "\n")


def read_judged(path: Path) -> list[JudgedQuery]:
    out = []
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.append(JudgedQuery(str(row["query_id"]), tuple((str(e), dict(v)) for e, v in row["candidates"]),
                                       {str(k): float(v) for k, v in row["judged"].items()}))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: line: not a judged query ({exc})") from exc
    return out


#: A coordinator's last word on a suggested match, as a graded judgement (EVAL_FORMAT scale).
DECISION_RELEVANCE = {"reject": 0.0, "approve": 1.0, "pin": 1.0}
STAGE_RELEVANCE = {"rejected": 0.0, "introduced": 2.0, "meeting": 2.0, "project_started": 2.0, "commercialised": 2.0}


def from_curation_export(records: Sequence[Mapping[str, Any]]) -> list[JudgedQuery]:
    """Judged queries from `flask curation export` lines: per problem, its matches with their last label.

    The features are those recorded at decision time; a brevity term missing from older records is
    rebuilt from the problem's text length.
    """
    from matcher.ranking.features import brevity

    problems: dict[str, dict[str, tuple[float, dict[str, float]]]] = {}
    lengths: dict[str, int] = {}
    for r in records:  # oldest first: a later decision overrides an earlier one
        label = STAGE_RELEVANCE.get(r.get("stage") or "", DECISION_RELEVANCE.get(r.get("decision") or ""))
        if label is None:
            continue
        problem = str(r["problem"]["id"])
        lengths[problem] = len(f"{r['problem'].get('title') or ''} {r['problem'].get('text') or ''}".split())
        feats = {k: float(v) for k, v in (r.get("features") or {}).items() if isinstance(v, (int, float))}
        problems.setdefault(problem, {})[str(r["candidate"]["entity_id"])] = (label, feats)
    out = []
    for problem, labelled in problems.items():
        if len({label for label, _ in labelled.values()}) < 2:
            continue  # no pair to learn from
        short = brevity(lengths[problem])
        candidates = []
        for entity, (_, feats) in labelled.items():
            for name in RELEVANCE_FEATURES:
                feats.setdefault(f"{name}_short", feats.get(name, 0.0) * short)
            candidates.append((entity, feats))
        out.append(JudgedQuery(problem, tuple(candidates), {e: lab for e, (lab, _) in labelled.items()}))
    return out
