"""Reading evaluation sets (shared/data/EVAL_FORMAT.md) and their fixed tune / held-out split.

The split is a rule on the query id, not a file, so every set built from the same queries (the
sbir-firms-masked awards and their titles alone) splits alike: a query held out of one is held out of
all, and nothing learned from a tune query's title leaks into a held-out award. Held-out queries are
never used for fitting or choosing; they are evaluated once per candidate.
"""
from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SPLITS = ("all", "tune", "heldout")
#: Share of the queries held out (about 350 of sbir-firms-masked's 866).
HELDOUT_SHARE = 0.4


def split_of(query_id: str) -> str:
    """'heldout' or 'tune' from a hash of the id: stable across runs, machines and derived sets."""
    bucket = int(hashlib.sha256(str(query_id).encode("utf-8")).hexdigest()[:8], 16) / 0x1_0000_0000
    return "heldout" if bucket < HELDOUT_SHARE else "tune"


def read_qrels(path: Path) -> dict[str, dict[str, float]]:
    qrels: dict[str, dict[str, float]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            qrels[row["query_id"]][row["entity_id"]] = float(row["relevance"])
    return qrels


def read_queries(dataset_dir: Path, split: str = "all") -> list[dict[str, Any]]:
    """The set's queries in file order, only those of `split` ('all', 'tune' or 'heldout')."""
    if split not in SPLITS:
        raise ValueError(f"split: expected one of {SPLITS}, got {split!r}")
    return [q for q in read_jsonl(dataset_dir / "queries.jsonl")
            if split == "all" or split_of(str(q["id"])) == split]


def query_text(query: dict[str, Any]) -> str:
    """What a user would have typed: the title, then the text."""
    return " ".join(p for p in (query.get("title"), query.get("text")) if p)


def corpus_dir(dataset_dir: Path, corpus: Path | None = None) -> Path:
    """Where the set's entities and documents are: its own folder, or the set it borrows them from.

    A derived set (the short-query set under benchmarks/) holds only queries, qrels and dataset.json and
    names its corpus (`"corpus"` in dataset.json, informative); the evaluator is then given `--corpus DIR`.
    """
    if corpus is not None:
        return corpus
    if (dataset_dir / "entities.jsonl").exists():
        return dataset_dir
    meta = read_meta(dataset_dir)
    raise SystemExit(f"{dataset_dir}: no entities.jsonl; this set borrows the corpus of "
                     f"{meta.get('corpus', 'another set')!r}: pass --corpus DIR")


def read_meta(dataset_dir: Path) -> dict[str, Any]:
    return json.loads((dataset_dir / "dataset.json").read_text(encoding="utf-8"))


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
