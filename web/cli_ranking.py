"""`flask --app wsgi ranking learn`: fit the ranking's fusion weights from judgements (matcher.services.learning)."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from matcher.evalsets import SPLITS
from matcher.ranking.scorer import DEFAULT_WEIGHTS

ranking_cli = AppGroup("ranking", help="Ranking weights.")


@ranking_cli.command("learn")
@click.option("--dataset", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="an evaluation set (EVAL_FORMAT) whose qrels are the judgements")
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="entities and documents for a set of queries and qrels only")
@click.option("--split", type=click.Choice(SPLITS), default="tune", show_default=True,
              help="which fixed part of the set's queries to learn from (never the held-out one)")
@click.option("--features", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="judged candidates written by `python -m evaluation --features-out` (repeatable)")
@click.option("--labels", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="coordinators' decisions from `flask curation export` (JSONL)")
@click.option("--weights", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_WEIGHTS,
              show_default=True)
@click.option("--folds", type=int, default=5, show_default=True)
@click.option("--lexical-only", is_flag=True, help="collect the set's features without the sentence encoder")
@click.option("--dry-run", is_flag=True, help="report only; never write weights")
@click.option("--short-words", type=click.IntRange(min=1), default=None,
              help="learn the weight set of problems up to this many words (weights.json 'short') from these "
                   "queries, which must be short texts (e.g. benchmarks/eval/sbir-titles-masked)")
def learn(dataset: Path | None, corpus: Path | None, split: str, features: tuple[Path, ...], labels: Path | None,
          weights: Path, folds: int, lexical_only: bool, dry_run: bool, short_words: int | None) -> None:
    """Fit the fusion weights, report cross-validated nDCG@10 and MRR, write a new version only if better."""
    from evaluation.harness import judged_from_dataset
    from matcher.services.learning import judged_from_files, learn_weights

    if split == "heldout":
        raise click.UsageError("--split heldout: the held-out queries are never learned from")
    try:
        queries = judged_from_files(features, labels)
        if dataset is not None:
            queries += judged_from_dataset(dataset, corpus, split, not lexical_only, weights)
        sources = [str(p) for p in (dataset, *features, labels) if p is not None]
        outcome = learn_weights(queries, weights, folds, write=not dry_run, source=", ".join(sources),
                                short_words=short_words)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    r = outcome.report
    click.echo(json.dumps({"queries": r.queries, "folds": r.folds, "current": r.current, "learned": r.learned,
                           "weights": r.weights}))
    if outcome.written_version is not None:
        click.echo(f"wrote {weights} version {outcome.written_version}: better on held-out folds")
    else:
        click.echo("kept the current weights" + (" (dry run)" if dry_run else ": not better on held-out folds"))
