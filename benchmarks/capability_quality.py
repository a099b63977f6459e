"""Precision and recall of capability extraction on a hand-labelled sample (JSONL: text, capabilities).

Why: chips and filters must show only capabilities a text really has (issue 12 item 5); this prints the
micro figures and the false positives / negatives per capability, so tuning can be done on one sample
and reported on another (tuned on: tests/capabilities/labelled_sample.jsonl, tune_sample.jsonl; measured
only: heldout_sample.jsonl). Usage: python -m benchmarks.capability_quality SAMPLE.jsonl... [--errors]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from matcher.capabilities.shown import shown_capability_ids


class Quality(NamedTuple):
    precision: float
    recall: float
    tp: int
    fp: int
    fn: int
    texts: int

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, for one figure per sample."""
        total = self.precision + self.recall
        return round(2 * self.precision * self.recall / total, 3) if total else 0.0


def load_sample(path: Path) -> list[dict]:  # type: ignore[type-arg]
    """Rows of a labelled sample; a bad line is reported by file, line and field."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        for field in ("text", "capabilities"):
            if field not in row:
                raise ValueError(f"{path}:{number}: {field}: missing")
        rows.append(row)
    return rows


def measure(rows: list[dict], errors: Counter | None = None) -> Quality:  # type: ignore[type-arg]
    """Micro precision and recall of the shown (chip) capabilities against the gold labels."""
    tp = fp = fn = 0
    for row in rows:
        gold = set(row["capabilities"])
        got = set(shown_capability_ids(row["text"]))
        tp += len(got & gold)
        fp += len(got - gold)
        fn += len(gold - got)
        if errors is not None:
            errors.update(f"FP {c}" for c in got - gold)
            errors.update(f"FN {c}" for c in gold - got)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Quality(round(precision, 3), round(recall, 3), tp, fp, fn, len(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("samples", nargs="+", type=Path)
    parser.add_argument("--errors", action="store_true", help="list false positives and negatives per capability")
    args = parser.parse_args(argv)
    for path in args.samples:
        errors: Counter = Counter()  # type: ignore[type-arg]
        q = measure(load_sample(path), errors)
        print(f"{path}: {q.texts} texts, precision {q.precision:.3f}, recall {q.recall:.3f}, F1 {q.f1:.3f} "
              f"(tp={q.tp} fp={q.fp} fn={q.fn})")
        if args.errors:
            for key, n in errors.most_common():
                print(f"  {n:3d} {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
