"""Ablation of the ranking on an evaluation set: which component moves which metric.

Loads the set once (through the real importer, like `python -m evaluation`), then scores every
query under variants of matcher/ranking/weights.json with one component switched off or changed.
Usage: .venv/bin/python benchmarks/ranking_ablation.py ../shared/data/eval/sbir-firms-masked [--split tune]
[--limit-queries N]; the short-query set: benchmarks/eval/sbir-titles-masked --corpus ../shared/data/eval/sbir-firms-masked.
`--start-weights FILE` adds the variant "start weights" (e.g. the version before the learned one).
Prints one row per variant and, last, one JSON object with all of them.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.evalsets import SPLITS, corpus_dir  # noqa: E402
from evaluation.harness import open_eval_store, score_queries  # noqa: E402
from matcher.ranking.scorer import load_config  # noqa: E402


def variants(base):  # type: ignore[no-untyped-def]
    """(name, config) pairs: the default, then one change each."""
    def with_weights(**changes: float):  # type: ignore[no-untyped-def]
        """The change in the weights of every length (the short-text set too, where it sets that weight)."""
        short = {**base.short_weights, **{k: v for k, v in changes.items() if k in base.short_weights}}
        return dataclasses.replace(base, weights={**base.weights, **changes}, short_weights=short)

    yield "default", base
    yield "one weight set for every length (v6: no 'short' set)", dataclasses.replace(base, short_weights={},
                                                                                        short_max_words=0)
    for weight in (0.5, 1.0):
        yield f"+ feedback in meaning {weight} (5 documents, beta 1)", dataclasses.replace(
            with_weights(feedback=weight), feedback_docs=5, feedback_beta=1.0,
            short_weights={**base.short_weights, "feedback": weight} if base.short_weights else {})
    yield "no distinctive signal (distinctive 0)", with_weights(distinctive=0.0)
    yield "v7's long-text weights (profile 1, lexical 0, semantic 0.5, no distinctive)", dataclasses.replace(
        base, weights={**base.weights, "profile": 1.0, "lexical": 0.0, "semantic": 0.5, "distinctive": 0.0})
    yield "+ distinctive 0.5 for short texts too", dataclasses.replace(
        base, short_weights={**base.short_weights, "distinctive": 0.5})
    yield "no length terms (x brevity weights 0)", with_weights(profile_short=0.0, lexical_short=0.0,
                                                                semantic_short=0.0)
    yield "no spelling / abbreviation expansion", dataclasses.replace(base, expansion_max_words=0)
    yield "no name in the text", with_weights(name=0.0)
    yield "no profile length discount", dataclasses.replace(base, profile_length_power=0.0)
    yield "no semantic", with_weights(semantic=0.0)
    yield "no profile BM25", with_weights(profile=0.0)
    yield "pooled document BM25 0.5", with_weights(lexical=0.5)
    yield "semantic only", with_weights(profile=0.0, lexical=0.0)
    yield "semantic x2", dataclasses.replace(
        base, weights={**base.weights, "semantic": base.weights.get("semantic", 0.5) * 2},
        short_weights={**base.short_weights, **({"semantic": base.short_weights["semantic"] * 2}
                                                if "semantic" in base.short_weights else {})})
    yield "+ capability 0.3", with_weights(capability=0.3)
    yield "+ recency 0.3", with_weights(recency=0.3)
    yield "max pooling", dataclasses.replace(base, pooling_decay=(1.0,))
    yield "mean of top 3", dataclasses.replace(base, pooling_decay=(1.0, 1.0, 1.0))
    yield "no diversity", dataclasses.replace(base, max_per_group_in_page=1000)
    yield "200 documents and 200 profiles (v4)", dataclasses.replace(
        base, retrieval={**base.retrieval, "lexical_top_k": 200, "profile_top_k": 200})
    # What an index above brute_force_max_docs gets: MiniLM re-scores the lexical candidates only.
    yield "no nearest documents by vector", dataclasses.replace(
        base, retrieval={**base.retrieval, "brute_force_max_docs": 0})


#: Variants of a local index's query instead of the weights: (name, side, attribute, value).
SEARCH_VARIANTS = (("common words kept in the documents' search", "documents", "common_term_fraction", None),
                   ("documents' search: every distinctive term (v5)", "documents", "max_query_terms", None),
                   ("documents' search: 8 rarest terms", "documents", "max_query_terms", 8),
                   ("documents' search: 12 rarest terms", "documents", "max_query_terms", 12),
                   ("documents' search: 16 rarest terms", "documents", "max_query_terms", 16),
                   ("documents' search: 24 rarest terms", "documents", "max_query_terms", 24),
                   ("documents' search: 32 rarest terms", "documents", "max_query_terms", 32),
                   ("profiles' search: 16 rarest terms", "profiles", "max_query_terms", 16),
                   ("profiles' search: 32 rarest terms", "profiles", "max_query_terms", 32),
                   ("profiles' search: 64 rarest terms", "profiles", "max_query_terms", 64))


def _score(runtime, loaded, args, name, config):  # type: ignore[no-untyped-def]
    metrics = score_queries(runtime, loaded, args.dataset_dir, config=config, limit_queries=args.limit_queries,
                            split=args.split)
    print(f"{name:44s} nDCG@10 {metrics['ndcg@10']:.4f}  recall@10 {metrics['recall@10']:.4f}  "
          f"MRR {metrics['mrr']:.4f}  p50 {metrics['p50_ms']} ms", flush=True)
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset_dir", type=Path)
    parser.add_argument("--limit-queries", type=int, default=None)
    parser.add_argument("--corpus", type=Path, default=None, help="entities and documents of a query-only set")
    parser.add_argument("--split", choices=SPLITS, default="all")
    parser.add_argument("--start-weights", type=Path, default=None)
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this variant (repeatable); two shards on two cores halve the wait")
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="innobridge-ablation-") as tmp:
        runtime, loaded = open_eval_store(corpus_dir(args.dataset_dir, args.corpus), Path(tmp))
        try:
            wanted = set(args.only or ())
            extra = [("start weights", load_config(str(args.start_weights)))] if args.start_weights else []
            for name, config in [*variants(load_config()), *extra]:
                if not wanted or name in wanted:
                    rows[name] = _score(runtime, loaded, args, name, config)
            for name, side_name, attribute, value in SEARCH_VARIANTS:
                side = getattr(runtime.search, side_name, None)
                if (wanted and name not in wanted) or not hasattr(side, attribute):
                    continue  # another engine, or not asked for
                before = getattr(side, attribute)
                setattr(side, attribute, value)
                try:
                    rows[name] = _score(runtime, loaded, args, name, load_config())
                finally:
                    setattr(side, attribute, before)
        finally:
            runtime.close()
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
