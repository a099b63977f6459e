"""Short-problem versions of the cross-language sets: the titles alone, Korean and English (issue 12 and 13).

A person types a few words, not an abstract: the title of each query of the four cross-language sets
(benchmarks/eval/sbir-firms-masked-{en150,ko,en-tune,ko-tune}, built by build_translated_sets.py) is such
a problem, in Korean (translated with the rest) and in English. Writes benchmarks/eval/sbir-titles-masked-<suffix>
for each, with the same ids, qrels and corpus, so the two languages are compared on equal text and the tune
part stays apart from the held-out one.

Usage: .venv/bin/python benchmarks/build_title_sets.py
"""
from __future__ import annotations

import json
from pathlib import Path

EVAL = Path(__file__).resolve().parent / "eval"
SOURCES = ("en150", "ko", "en-tune", "ko-tune")


def build(suffix: str) -> Path:
    """Write sbir-titles-masked-<suffix> from sbir-firms-masked-<suffix>; returns its folder."""
    source, target = EVAL / f"sbir-firms-masked-{suffix}", EVAL / f"sbir-titles-masked-{suffix}"
    target.mkdir(exist_ok=True)
    queries = []
    for number, line in enumerate((source / "queries.jsonl").read_text(encoding="utf-8").splitlines(), start=1):
        query = json.loads(line)
        if not query.get("title"):
            raise SystemExit(f"{source / 'queries.jsonl'}:{number}: title: missing")
        queries.append({key: value for key, value in query.items() if key not in ("title", "text")}
                       | {"id": query["id"], "text": query["title"]})
    with (target / "queries.jsonl").open("w", encoding="utf-8") as out:
        for query in queries:
            out.write(json.dumps(query, ensure_ascii=False) + "\n")
    (target / "qrels.tsv").write_bytes((source / "qrels.tsv").read_bytes())
    meta = json.loads((source / "dataset.json").read_text(encoding="utf-8"))
    meta["name"] = target.name
    meta["description"] = (f"The titles alone of {source.name}'s queries (a short problem of a few words, as a "
                           f"person types it); same ids, qrels and corpus. Built by benchmarks/build_title_sets.py. "
                           f"The source set: {meta['description']}")
    (target / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


def main() -> None:
    for suffix in SOURCES:
        folder = build(suffix)
        print(f"{folder.name}: {sum(1 for _ in (folder / 'queries.jsonl').open(encoding='utf-8'))} queries")


if __name__ == "__main__":
    main()
