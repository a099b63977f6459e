"""Build the cross-language evaluation sets of issue 13 from the masked SBIR set.

Writes two pairs of sets in the format of ../shared/data/EVAL_FORMAT.md, each pair with the same queries and qrels:
  benchmarks/eval/sbir-firms-masked-en150/  the English originals, cut as below
  benchmarks/eval/sbir-firms-masked-ko/     their Korean translations (benchmarks/eval/translations_ko.jsonl)
and, to tune the Korean route on (the 150 above are all in the held-out split of matcher.evalsets):
  benchmarks/eval/sbir-firms-masked-en-tune/  English originals of tune-split queries
  benchmarks/eval/sbir-firms-masked-ko-tune/  their Korean translations (benchmarks/eval/translations_ko_tune.jsonl)
so the Korean figure can be compared with the English one on equal text. Documents and entities are not
copied (8 MB): dataset.json's "corpus" names the masked set's folder, relative to the set's own folder.

Selection: the 150 query ids with the smallest SHA-256 hex digest of the id (UTF-8), i.e. a fixed,
seedless shuffle that anyone can recompute; the tune pair takes, in the same order, the first ids that
the evaluator's split puts in the tune part (matcher.evalsets.split_of); the output keeps the source file's order.
Cut: the title plus the first 3 sentences of the text, extended to at most 5 while the cut has fewer
than 50 words; sentences are dropped from the end while it has more than 100 words, and a single
sentence over 100 words (some abstracts lost their punctuation) is cut at its 100th word.

Usage: [INNOBRIDGE_SHARED_DATA=../shared/data] .venv/bin/python benchmarks/build_translated_sets.py [--worklist PATH [--tune]]
  --worklist writes the English cuts (id, title, text) for translators and builds nothing else
  (--tune: the tune pair's cuts). Without it, both pairs are built (a pair whose translations file is absent is skipped).
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
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The team's shared data sits beside the checkout (../shared/data), as for benchmarks/ingest.py.
SHARED = Path(os.environ.get("INNOBRIDGE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
SOURCE = SHARED / "eval" / "sbir-firms-masked"
EVAL = ROOT / "benchmarks" / "eval"
TRANSLATIONS = EVAL / "translations_ko.jsonl"
CORPUS_REL = "../../../../shared/data/eval/sbir-firms-masked"
N_QUERIES = 150
#: Tune-split queries translated to tune the Korean route on (the first N_TUNE tune ids in SHA-256 order).
N_TUNE = 100
PLACEHOLDER = "the company"

_SPLIT = re.compile(
    r"(?i:(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bu\.s\.)(?<!\bvs\.)(?<!\bal\.)(?<!\bdr\.)(?<!\bno\.)(?<!\bfig\.))"
    r"(?<=[.!?])\s+(?=[A-Z0-9\"(\[]|" + PLACEHOLDER + r")"
)


def _by_digest(queries: list[dict]) -> list[str]:
    return sorted((q["id"] for q in queries), key=lambda i: hashlib.sha256(i.encode()).hexdigest())


def select(queries: list[dict], n: int = N_QUERIES) -> list[dict]:
    """The n queries with the smallest SHA-256 of their id, in source order (reproducible, no seed)."""
    chosen = set(_by_digest(queries)[:n])
    return [q for q in queries if q["id"] in chosen]


def select_tune(queries: list[dict], n: int = N_TUNE) -> list[dict]:
    """The n tune-split queries with the smallest SHA-256 of their id, in source order."""
    from matcher.evalsets import split_of

    chosen = set([i for i in _by_digest(queries) if split_of(i) == "tune"][:n])
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


def check_translations(rows: list[dict], english: dict[str, dict], firms: dict[str, list[str]],
                       path: Path = TRANSLATIONS) -> list[str]:
    """Errors as file:line: field: reason for missing, extra, empty or unmasked translations."""
    errors, seen = [], set()
    for no, row in enumerate(rows, 1):
        where = f"{path.relative_to(ROOT)}:{no}"
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
    errors += [f"{path.relative_to(ROOT)}: id: {qid} has no translation" for qid in english if qid not in seen]
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


class Pair(NamedTuple):
    """One English set and its Korean translation: which queries, which translations file, which folders."""

    english_name: str
    korean_name: str
    translations: Path
    tune: bool

    def choose(self, queries: list[dict]) -> list[dict]:
        return select_tune(queries) if self.tune else select(queries)

    def selection_note(self, n: int) -> str:
        if self.tune:
            return (f"Queries: the first {n} ids of sbir-firms-masked in SHA-256 order of the id that the "
                    "evaluator's split (matcher.evalsets.split_of) puts in the tune part, to tune the Korean route on")
        return f"Queries: the {n} ids of sbir-firms-masked with the smallest SHA-256 of the id (all held out)"


PAIRS = (Pair("sbir-firms-masked-en150", "sbir-firms-masked-ko", TRANSLATIONS, False),
         Pair("sbir-firms-masked-en-tune", "sbir-firms-masked-ko-tune", EVAL / "translations_ko_tune.jsonl", True))


def build_pair(pair: Pair, source: dict, queries: list[dict], header: str, qrels: dict[str, list[str]]) -> list[str]:
    """Write one pair of sets; returns the errors (nothing is written when there are any)."""
    english = {q["id"]: {"id": q["id"], "title": q.get("title", ""), "text": cut(q["text"])}
               for q in pair.choose(queries)}
    firms = {qid: [line.split("\t")[1] for line in qrels.get(qid, [])] for qid in english}
    errors = [f"{SOURCE / 'queries.jsonl'}: text: {qid} names {n!r}" for qid, q in english.items()
              for n in unmasked(q["title"] + " " + q["text"], firms[qid])]
    rows = read_jsonl(pair.translations)
    errors += check_translations(rows, english, firms, pair.translations)
    if errors:
        return errors
    en = list(english.values())
    note = CUT_NOTE if not pair.tune else CUT_NOTE.split(" Queries:")[0] + " " + pair.selection_note(len(en)) + \
        "; relevant entities as in the masked set; 'the company' stands for the winning firm."
    write_set(EVAL / pair.english_name, en, header, qrels, meta(
        source, pair.english_name, "English originals of the Korean cross-language set" + (f" {pair.korean_name}. " if pair.tune else ". ") + note,
        False))
    ko_by_id = {r["id"]: r for r in rows}
    ko = [{"id": q["id"], "title": ko_by_id[q["id"]]["title_ko"], "text": ko_by_id[q["id"]]["text_ko"],
           "source_lang": "en", "translated": True} for q in en]
    write_set(EVAL / pair.korean_name, ko, header, qrels, meta(
        source, pair.korean_name, f"Korean translations (title and the same first sentences of the text, "
        f"not the whole abstract) of {len(en)} sbir-firms-masked queries, for cross-language ranking: Korean problem "
        "-> firms described by English awards. " + note, True))
    print(f"{pair.korean_name}: {len(en)} queries, {sum(len(qrels[q['id']]) for q in en)} qrels lines -> {EVAL}")
    return []


def main() -> int:
    """Build both pairs (or a worklist); print counts."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worklist", type=Path, help="write the English cuts to translate, and stop")
    ap.add_argument("--tune", action="store_true", help="with --worklist: the tune pair's queries")
    args = ap.parse_args()
    if not (SOURCE / "queries.jsonl").is_file():
        print(f"{SOURCE}: the masked set is missing (set INNOBRIDGE_SHARED_DATA)", file=sys.stderr)
        return 1
    source = json.loads((SOURCE / "dataset.json").read_text(encoding="utf-8"))
    queries = read_jsonl(SOURCE / "queries.jsonl")
    if args.worklist:
        with args.worklist.open("w", encoding="utf-8") as out:
            chosen = PAIRS[1 if args.tune else 0].choose(queries)
            for q in chosen:
                out.write(json.dumps({"id": q["id"], "title": q.get("title", ""), "text": cut(q["text"])},
                                     ensure_ascii=False) + "\n")
        print(f"{len(chosen)} English cuts -> {args.worklist}")
        return 0
    header, qrels = read_qrels(SOURCE / "qrels.tsv")
    errors: list[str] = []
    for pair in PAIRS:
        if pair.tune and not pair.translations.is_file():
            print(f"{pair.translations}: absent, {pair.korean_name} not built", file=sys.stderr)
            continue
        errors += build_pair(pair, source, queries, header, qrels)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
