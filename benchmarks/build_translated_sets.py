"""Build the cross-language evaluation sets of issue 13 from the masked SBIR set.

Writes two sets in the format of ../shared/data/EVAL_FORMAT.md, with the same 150 queries and qrels:
  benchmarks/eval/sbir-firms-masked-en150/  the English originals, cut as below
  benchmarks/eval/sbir-firms-masked-ko/     their Korean translations (benchmarks/eval/translations_ko.jsonl)
so the Korean figure can be compared with the English one on equal text. Documents and entities are not
copied (8 MB): dataset.json's "corpus" names the masked set's folder, relative to the set's own folder.

Selection: the 150 query ids with the smallest SHA-256 hex digest of the id (UTF-8), i.e. a fixed,
seedless shuffle that anyone can recompute; the output keeps the source file's order.
Cut: the title plus the first 3 sentences of the text, extended to at most 5 while the cut has fewer
than 50 words; sentences are dropped from the end while it has more than 100 words, and a single
sentence over 100 words (some abstracts lost their punctuation) is cut at its 100th word.

Usage: [INNOBRIDGE_SHARED_DATA=../shared/data] .venv/bin/python benchmarks/build_translated_sets.py [--worklist PATH]
  --worklist writes the English cuts (id, title, text) for translators and builds nothing else.
Exit status 1 with file:line: field: reason lines when a translation is missing, extra, or unmasked.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The team's shared data sits beside the checkout (../shared/data), as for benchmarks/ingest.py.
SHARED = Path(os.environ.get("INNOBRIDGE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
SOURCE = SHARED / "eval" / "sbir-firms-masked"
EVAL = ROOT / "benchmarks" / "eval"
TRANSLATIONS = EVAL / "translations_ko.jsonl"
CORPUS_REL = "../../../../shared/data/eval/sbir-firms-masked"
N_QUERIES = 150
PLACEHOLDER = "the company"

_SPLIT = re.compile(
    r"(?i:(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bu\.s\.)(?<!\bvs\.)(?<!\bal\.)(?<!\bdr\.)(?<!\bno\.)(?<!\bfig\.))"
    r"(?<=[.!?])\s+(?=[A-Z0-9\"(\[]|" + PLACEHOLDER + r")"
)


def select(queries: list[dict], n: int = N_QUERIES) -> list[dict]:
    """The n queries with the smallest SHA-256 of their id, in source order (reproducible, no seed)."""
    chosen = set(sorted((q["id"] for q in queries), key=lambda i: hashlib.sha256(i.encode()).hexdigest())[:n])
    return [q for q in queries if q["id"] in chosen]


def cut(text: str) -> str:
    """The first sentences of an abstract, as translated: 3 (up to 5 while < 50 words), at most 100 words."""
    sents = _SPLIT.split(text.strip())
    n = min(3, len(sents))
    while n < min(5, len(sents)) and len(" ".join(sents[:n]).split()) < 50:
        n += 1
    while n > 1 and len(" ".join(sents[:n]).split()) > 100:
        n -= 1
    words = " ".join(sents[:n]).split()
    return " ".join(words[:100])


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSONL file; a bad line stops the build with file:line: reason."""
    rows = []
    with path.open(encoding="utf-8") as lines:
        for no, line in enumerate(lines, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    sys.exit(f"{path}:{no}: json: {exc}")
    return rows


def read_qrels(path: Path) -> tuple[str, dict[str, list[str]]]:
    """The header line and the qrels lines by query id, kept verbatim."""
    lines = path.read_text(encoding="utf-8").splitlines()
    by_id: dict[str, list[str]] = {}
    for line in lines[1:]:
        by_id.setdefault(line.split("\t")[0], []).append(line)
    return lines[0], by_id


def unmasked(text: str, names: list[str]) -> list[str]:
    """Names of the query's relevant firms that appear in its text (must be none)."""
    low = text.lower()  # Latin-letter edges, not \b: a Korean particle joins the name ("QuesTek은")
    return [n for n in names if re.search(r"(?<![a-z0-9])" + re.escape(n.lower()) + r"(?![a-z0-9])", low)]


def check_translations(rows: list[dict], english: dict[str, dict], firms: dict[str, list[str]]) -> list[str]:
    """Errors as file:line: field: reason for missing, extra, empty or unmasked translations."""
    errors, seen = [], set()
    for no, row in enumerate(rows, 1):
        where = f"{TRANSLATIONS.relative_to(ROOT)}:{no}"
        qid = row.get("id")
        if qid not in english:
            errors.append(f"{where}: id: {qid!r} is not one of the selected queries")
            continue
        if qid in seen:
            errors.append(f"{where}: id: {qid} translated twice")
        seen.add(qid)
        for field in ("title_ko", "text_ko"):
            value = row.get(field) or ""
            if not re.search(r"[\uac00-\ud7a3]", value):
                errors.append(f"{where}: {field}: no Hangul")
            for name in unmasked(value, firms.get(qid, [])):
                errors.append(f"{where}: {field}: names the relevant firm {name!r}")
        want = english[qid]["text"].count(PLACEHOLDER)
        if row.get("text_ko", "").count(PLACEHOLDER) != want:
            errors.append(f"{where}: text_ko: {PLACEHOLDER!r} appears "
                          f"{row.get('text_ko', '').count(PLACEHOLDER)} times, the English cut {want}")
    errors += [f"{TRANSLATIONS.relative_to(ROOT)}: id: {qid} has no translation" for qid in english if qid not in seen]
    return errors


def write_set(folder: Path, queries: list[dict], header: str, qrels: dict[str, list[str]], meta: dict) -> None:
    """One evaluation set folder: queries.jsonl, qrels.tsv, dataset.json."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as out:
        for q in queries:
            out.write(json.dumps(q, ensure_ascii=False) + "\n")
    lines = [header] + [line for q in queries for line in qrels[q["id"]]]
    (folder / "qrels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def meta(source: dict, name: str, description: str, translated: bool) -> dict:
    """dataset.json for a derived set, pointing at the masked set's documents and entities."""
    src = f"{source['name']} (../shared/data/eval/sbir-firms-masked), from {source['source']}"
    if translated:
        src += "; translated into Korean by the InnoBridge team (machine-assisted human-quality translation)"
    return {"name": name, "description": description, "relevant_min": source["relevant_min"], "source": src,
            "licence": source["licence"], "corpus": CORPUS_REL}


CUT_NOTE = ("Each query is the award's title plus the first 3 sentences of its abstract (up to 5 while under "
            "50 words, at most 100 words). Queries: the 150 ids of sbir-firms-masked with the smallest SHA-256 "
            "of the id; relevant entities as in the masked set; 'the company' stands for the winning firm. The masked "
            "set replaced only the firm's exact name: in 8 of these queries a shortened or variant form remains, in "
            "both languages alike (Agile, Austral Engineering and Software, ETREMA, Hittman, Jet Vapor Deposition, "
            "Milli Sensor Systems & Actuators, QuesTek, Siloam).")


def main() -> int:
    """Build both sets (or the worklist); print counts."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worklist", type=Path, help="write the English cuts to translate, and stop")
    args = ap.parse_args()
    if not (SOURCE / "queries.jsonl").is_file():
        print(f"{SOURCE}: the masked set is missing (set INNOBRIDGE_SHARED_DATA)", file=sys.stderr)
        return 1
    source = json.loads((SOURCE / "dataset.json").read_text(encoding="utf-8"))
    chosen = select(read_jsonl(SOURCE / "queries.jsonl"))
    english = {q["id"]: {"id": q["id"], "title": q.get("title", ""), "text": cut(q["text"])} for q in chosen}
    if args.worklist:
        with args.worklist.open("w", encoding="utf-8") as out:
            for q in english.values():
                out.write(json.dumps(q, ensure_ascii=False) + "\n")
        print(f"{len(english)} English cuts -> {args.worklist}")
        return 0
    header, qrels = read_qrels(SOURCE / "qrels.tsv")
    firms = {qid: [line.split("\t")[1] for line in qrels.get(qid, [])] for qid in english}
    errors = [f"{SOURCE / 'queries.jsonl'}: text: {qid} names {n!r}"
              for qid, q in english.items() for n in unmasked(q["title"] + " " + q["text"], firms[qid])]
    rows = read_jsonl(TRANSLATIONS)
    errors += check_translations(rows, english, firms)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    en = list(english.values())
    write_set(EVAL / "sbir-firms-masked-en150", en, header, qrels, meta(
        source, "sbir-firms-masked-en150", "English originals of the Korean cross-language set. " + CUT_NOTE, False))
    ko_by_id = {r["id"]: r for r in rows}
    ko = [{"id": q["id"], "title": ko_by_id[q["id"]]["title_ko"], "text": ko_by_id[q["id"]]["text_ko"],
           "source_lang": "en", "translated": True} for q in en]
    write_set(EVAL / "sbir-firms-masked-ko", ko, header, qrels, meta(
        source, "sbir-firms-masked-ko", "Korean translations (title and the same first sentences of the text, "
        "not the whole abstract) of 150 sbir-firms-masked queries, for cross-language ranking: Korean problem "
        "-> firms described by English awards. " + CUT_NOTE, True))
    print(f"{len(en)} queries, {sum(len(qrels[q['id']]) for q in en)} qrels lines -> {EVAL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
