"""The English words a glossary pass should give Korean for: frequent in the evidence, not yet covered.

Why: a Korean problem finds English evidence only through words the glossary (matcher/ranking/data/
glossary_ko_en.tsv) can name in English; the words worth naming are those the evidence uses. This lists
the words of the given texts (JSONL or CSV files; every string field read) held by at least --min-df of
them, that no glossary, curated capability or KSIC entry names yet, most frequent first, leaving out stop
words, words mostly capitalised (names, acronyms) and words of more than --max-share of the texts.
Texts titled as a query of --exclude-queries (an evaluation set) are not counted, so an evaluation
query's own words cannot choose the vocabulary. With --alone, a word counts as named only by an entry
whose Korean is one word (a single content morpheme): "gas" named only inside 가스터빈 (gas turbine)
leaves a problem that writes 가스 alone with no English. Output: word<TAB>document frequency.

  python scripts/glossary_vocabulary.py --min-df 3 --exclude-queries ../shared/data/eval/sbir-firms-masked/queries.jsonl \
      ../shared/data/eval/sbir-firms-masked/documents.jsonl data/demo/*.jsonl data/demo/*.csv > uncovered.tsv
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # noqa: E402

from matcher.korean import is_content, morphemes  # noqa: E402
from matcher.ranking.crosslang_terms import _curated_english, read_glossary  # noqa: E402
from matcher.search.local.analysis import query_terms  # noqa: E402

WORD = re.compile(r"[A-Za-z][a-z]+(?:-[a-z]+)*")
MIN_CHARS = 4
MAX_CAPITALISED = 0.6


def records(path: Path) -> Iterator[dict]:
    """Each record of a JSONL or CSV file."""
    with path.open(encoding="utf-8", newline="") as fh:
        if path.suffix == ".csv":
            yield from csv.DictReader(fh)
        else:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def title_of(record: dict) -> str:
    return str(record.get("title") or "").strip().lower()


def named_words(alone: bool) -> set[str]:
    """English search terms the glossary and curated capabilities already give Korean for."""
    glossary = read_glossary()
    if alone:
        glossary = [(korean, english) for korean, english in glossary if _content_morphemes(korean) == 1]
    named = {t for _, english in glossary for t in query_terms(english)}
    curated = [query_terms(english) for english in _curated_english().values()]
    named |= {t for terms in curated if not alone or len(terms) == 1 for t in terms}
    return named


def _content_morphemes(korean: str) -> int:
    return sum(1 for m in morphemes(korean) if is_content(m))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--max-share", type=float, default=0.2)
    parser.add_argument("--exclude-queries", type=Path, action="append", default=[])
    parser.add_argument("--alone", action="store_true",
                        help="a word is named only by an entry whose Korean is a single content morpheme")
    args = parser.parse_args(argv)
    excluded = {title_of(q) for path in args.exclude_queries for q in records(path)} - {""}
    covered = named_words(args.alone)
    df: collections.Counter[str] = collections.Counter()
    forms: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    capitalised: collections.Counter[str] = collections.Counter()
    texts = skipped = 0
    for path in args.files:
        for record in records(path):
            if title_of(record) in excluded:
                skipped += 1
                continue
            texts += 1
            text = " ".join(v for v in record.values() if isinstance(v, str))
            seen = set()
            for match in WORD.finditer(text):
                word = match.group(0)
                lower = word.lower()
                if len(lower) < MIN_CHARS or lower in ENGLISH_STOP_WORDS:
                    continue
                stem = query_terms(lower)
                if not stem:
                    continue
                forms[stem[0]][lower] += 1
                capitalised[stem[0]] += word[0].isupper()
                seen.add(stem[0])
            df.update(seen)
    out = []
    for stem, n in df.items():
        total = sum(forms[stem].values())
        if stem in covered or n < args.min_df or n > args.max_share * texts or capitalised[stem] > MAX_CAPITALISED * total:
            continue
        out.append((n, forms[stem].most_common(1)[0][0]))
    for n, word in sorted(out, reverse=True):
        print(f"{word}\t{n}")
    print(f"{texts} texts read, {skipped} left out as evaluation queries; {len(out)} words uncovered", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
