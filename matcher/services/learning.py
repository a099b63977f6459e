"""Learning the ranking's fusion weights from judgements: what `flask ranking learn` runs.

Judgements come from an evaluation set's qrels (evaluation.harness.judged_from_dataset: its tune split by
default, the held-out split is never fitted on), from files written by `python -m evaluation --features-out`, or from coordinators'
decisions exported by `flask curation export`. A new weights.json version is written only when the
learned weights beat the current ones on cross-validation folds of queries they were not fitted on.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher.ranking.learn import (JudgedQuery, LearnReport, from_curation_export, learn, read_judged,
                                   write_short_version, write_version)
from matcher.ranking.scorer import DEFAULT_WEIGHTS, RELEVANCE_FEATURES, load_config


@dataclass(frozen=True)
class LearnOutcome:
    report: LearnReport
    written_version: int | None  # None: the current weights were kept


def judged_from_files(features: Sequence[Path] = (), labels: Path | None = None) -> list[JudgedQuery]:
    """Judged queries from --features-out files and a curation export (JSONL, one record a line)."""
    queries = [q for path in features for q in read_judged(path)]
    if labels is not None:
        records = []
        with labels.open(encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{labels}:{number}: line: invalid JSON ({exc.msg})") from exc
        queries += from_curation_export(records)
    return queries


def learn_weights(queries: Sequence[JudgedQuery], weights: Path = DEFAULT_WEIGHTS, folds: int = 5,
                  write: bool = True, source: str = "judged pairs", short_words: int | None = None) -> LearnOutcome:
    """Cross-validate, and write the next weights version only when it ranks better on held-out folds.

    With `short_words`, the queries are short texts and what is learned is the weight set of problems up to
    that many words (weights.json "short"; the relevance weights only), starting from the one in force.
    """
    if not queries:
        raise ValueError("no judged queries to learn from")
    current = load_config(str(weights))
    if short_words is None:  # with a short-text set in force, the x brevity terms would reach short texts too
        report = learn(queries, current.weights, folds, names=RELEVANCE_FEATURES if current.short_weights else None)
    else:
        report = learn(queries, current.for_length(1).weights, folds, names=RELEVANCE_FEATURES)
    if not (write and report.better):
        return LearnOutcome(report, None)
    data = write_version(weights, report, source) if short_words is None else \
        write_short_version(weights, report, source, short_words)
    load_config.cache_clear()
    return LearnOutcome(report, int(data["version"]))
