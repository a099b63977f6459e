"""Build the short-query dev set: the titles alone of sbir-firms-masked's queries, with the winner's name removed.

A manufacturer's problem is often a line ("recycling carbon-fibre composite scrap"), not a 300-word
abstract; an award title is the nearest thing in the judged data (about 9 words). The masked set removed
the winning firm's name from each query's text; its titles still write it now and then ("LAUREN IS THE
LEADING U."), so the builder removes it there too: the firm's name without its legal form, and its first
word when that word is rare in the corpus (a firm word, not "Plasma" or "Robotic"). Queries without a
title are left out. Only queries, qrels and dataset.json are written; the entities and documents are the
masked set's (`python -m evaluation benchmarks/eval/sbir-titles-masked --corpus .../sbir-firms-masked`).

Usage: .venv/bin/python benchmarks/build_short_queries.py ../shared/data/eval/sbir-firms-masked
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.evalsets import read_jsonl, read_meta, read_qrels  # noqa: E402

OUT = Path(__file__).resolve().parent / "eval" / "sbir-titles-masked"
LEGAL = re.compile(r"[,.]?\s+(inc|incorporated|llc|l\.l\.c|corp|corporation|co|company|ltd|limited|lp|llp|pllc)\.?$",
                   re.IGNORECASE)
WORD = re.compile(r"[A-Za-z0-9]+")
RARE_DF = 5


def core_name(name: str) -> str:
    """The firm's name without its legal form(s): 'Lauren Manufacturing Co' -> 'Lauren Manufacturing'."""
    previous = None
    while previous != name:
        previous, name = name, LEGAL.sub("", name.strip()).strip(" ,.")
    return name


def mask(title: str, names: list[str], df: Counter[str]) -> str:
    """The title with the firms' names (and rare first words of them) replaced by 'the company'."""
    for name in names:
        core = core_name(name)
        if core:
            title = re.sub(rf"(?<!\w){re.escape(core)}(?!\w)", "the company", title, flags=re.IGNORECASE)
        words = WORD.findall(core)
        first = words[0].lower() if words else ""
        if len(first) >= 4 and df[first] < RARE_DF:
            title = re.sub(rf"(?<!\w){re.escape(first)}(?!\w)", "the company", title, flags=re.IGNORECASE)
    return " ".join(title.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("masked_dir", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    names = {str(e["id"]): str(e.get("name") or e["id"]) for e in read_jsonl(args.masked_dir / "entities.jsonl")}
    df: Counter[str] = Counter()
    for doc in read_jsonl(args.masked_dir / "documents.jsonl"):
        df.update({w.lower() for w in WORD.findall(f"{doc.get('title') or ''} {doc.get('text') or ''}")})
    qrels = read_qrels(args.masked_dir / "qrels.tsv")
    args.out.mkdir(parents=True, exist_ok=True)
    kept, masked = [], 0
    for q in read_jsonl(args.masked_dir / "queries.jsonl"):
        title = (q.get("title") or "").strip()
        if not title or str(q["id"]) not in qrels:
            continue
        text = mask(title, [names.get(e, e) for e in qrels[str(q["id"])]], df)
        masked += text != " ".join(title.split())
        kept.append({"id": q["id"], "text": text})
    with (args.out / "queries.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(q, ensure_ascii=False) + "\n" for q in kept)
    with (args.out / "qrels.tsv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["query_id", "entity_id", "relevance"])
        for q in kept:
            for entity, relevance in sorted(qrels[str(q["id"])].items()):
                writer.writerow([q["id"], entity, int(relevance) if relevance == int(relevance) else relevance])
    source = read_meta(args.masked_dir)
    meta = {"name": "sbir-titles-masked", "relevant_min": source.get("relevant_min", 1), "corpus": source["name"],
            "description": "The titles alone of sbir-firms-masked's queries (a short problem statement of about 9 "
                           "words), the winning firm's name removed from them too; entities and documents are "
                           "sbir-firms-masked's (pass --corpus). Built by benchmarks/build_short_queries.py.",
            "source": source.get("source"), "licence": source.get("licence")}
    (args.out / "dataset.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"queries": len(kept), "titles_masked": masked, "out": str(args.out)}))


if __name__ == "__main__":
    main()
