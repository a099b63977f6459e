"""Do two `match_latency.py --dump` files rank alike? `python benchmarks/compare_dumps.py BEFORE AFTER`.

Two `search_cpu.py --dump` files (each page's SHA-1) are compared page by page: the paths whose bytes differ.

A speed change must not change results: this counts the queries whose page order, candidate total or
evidence differ, and the largest difference of a score or score component on pages that agree.
Scores are rounded to 4 decimals in a Match, so 1e-4 is float noise at a rounding boundary.
Components only one side has (a new feature) are listed, not compared.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def load(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    before, after = load(args.before), load(args.after)
    if before and "sha1" in before[0]:
        compare_pages(before, after)
        return
    if [b["query"] for b in before] != [a["query"] for a in after]:
        raise SystemExit("the dumps hold different query samples (other --docs, --seed or --queries)")
    order = totals = evidence = 0
    largest = 0.0
    only: set[str] = set()
    for b, a in zip(before, after):
        totals += b["total"] != a["total"]
        if [m[0] for m in b["matches"]] != [m[0] for m in a["matches"]]:
            order += 1
            continue
        for mb, ma in zip(b["matches"], a["matches"]):
            largest = max(largest, abs(mb[1] - ma[1]))
            only |= set(mb[2]) ^ set(ma[2])
            for name in set(mb[2]) & set(ma[2]):
                largest = max(largest, abs(mb[2].get(name, float("inf")) - ma[2].get(name, float("-inf"))))
            evidence += mb[3] != ma[3]
    print(json.dumps({"queries": len(before), "order_differs": order, "total_differs": totals,
                      "evidence_differs": evidence, "max_score_diff": round(largest, 6),
                      "components_on_one_side": sorted(only)}))


def compare_pages(before: list[dict], after: list[dict]) -> None:  # type: ignore[type-arg]
    """search_cpu.py dumps: which pages are not byte-identical."""
    if [b["path"] for b in before] != [a["path"] for a in after]:
        raise SystemExit("the dumps hold different queries (other --queries or --kind)")
    differ = [b["path"] for b, a in zip(before, after) if b["sha1"] != a["sha1"]]
    print(json.dumps({"pages": len(before), "pages_differ": len(differ), "paths": differ}))


if __name__ == "__main__":
    main()
