"""Draw the texts of the capability tune sample (tests/capabilities/tune_sample.jsonl).

Why: the held-out sample (tests/capabilities/heldout_sample.jsonl) may only be measured, never tuned on,
so the display rules need a second labelled sample of real texts to be tuned on. This draws a fixed,
seeded mix of the kinds of text chips are computed for: SBIR topics (problems) as a title alone, cut to
~520 characters and whole (up to 1,600 characters), SBIR and NSF awards (cut and long), equipment entries,
FP7 results in brief and project titles (institute projects), OpenAlex publications with an abstract,
SBIR firm profiles (name and recent award titles), and a few Korean problems (the team's reviewed
translations in data/demo/problems_ko.jsonl). No source of the old or the held-out sample is drawn, nor a
text starting like one of theirs, nor a Korean problem translated from one of their topics. The
capabilities are then labelled by hand (rule: tests/capabilities/README.md). Usage:
    python -m benchmarks.build_capability_tune_sample /work/shared/data > draft.jsonl
"""
from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

from benchmarks.build_capability_sample import _cut, _jsonl, candidates

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "tests" / "capabilities" / name for name in ("labelled_sample.jsonl", "heldout_sample.jsonl")]
KOREAN = ROOT / "data" / "demo" / "problems_ko.jsonl"
#: kind -> how many texts; "-long" kinds keep up to LONG_CHARS, "-title" kinds the title alone.
PER_KIND = {"problem": 8, "problem-long": 4, "problem-title": 4, "sbir": 7, "sbir-long": 3, "nsf": 7,
            "nsf-long": 3, "equipment": 7, "fp7": 6, "fp7-project": 5, "publication": 5, "firm": 5, "ko": 4}
LONG_CHARS = 1600
SEED = 20261130 + 12  # not the held-out sample's seed


def _long(title: str, body: str) -> str:
    """Title and body up to LONG_CHARS, ending at a sentence end when one is near."""
    text = f"{' '.join(title.split()).rstrip('.')}. {' '.join(body.split())}"
    if len(text) <= LONG_CHARS:
        return text
    cut = text[:LONG_CHARS]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > LONG_CHARS // 2 else cut.rsplit(" ", 1)[0]


def _abstract(inverted: dict[str, list[int]] | None) -> str:
    """OpenAlex's inverted abstract index back to text."""
    if not inverted:
        return ""
    words = sorted((p, w) for w, positions in inverted.items() for p in positions)
    return " ".join(w for _, w in words)


def extra_candidates(data: Path) -> dict[str, list[tuple[str, str]]]:
    """(source id, text) per kind the held-out builder does not draw."""
    out: dict[str, list[tuple[str, str]]] = {k: [] for k in PER_KIND}
    for row in _jsonl(data / "problems" / "sbir_topics_manufacturing.jsonl"):
        out["problem-long"].append((f"problem:{row['topic_id']}", _long(row.get("title", ""), row.get("description", ""))))
        out["problem-title"].append((f"problem:{row['topic_id']}", " ".join(row.get("title", "").split())))
    for row in _jsonl(data / "firms" / "sbir_awards_manufacturing.jsonl"):
        out["sbir-long"].append((f"sbir:{row['award_id']}", _long(row.get("title", ""), row.get("abstract", ""))))
    for row in _jsonl(data / "researchers" / "nsf_awards_engineering.jsonl"):
        out["nsf-long"].append((f"nsf:{row['award_id']}", _long(row.get("title", ""), row.get("abstract", ""))))
    with (data / "projects" / "fp7_projects.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("programme_code", "").startswith(("FP7-NMP", "FP7-SME", "FP7-ENERGY", "FP7-TRANSPORT")):
                out["fp7-project"].append((f"fp7project:{row['project_id']}", " ".join(row["title"].split())))
    for name in ("raw_tu9_books_proceedings_2017_2022.jsonl", "raw_sample25_2025schema.jsonl"):
        for row in _jsonl(data / "publications" / name):
            abstract = _abstract(row.get("abstract_inverted_index"))
            if abstract and row.get("title"):
                out["publication"].append((f"openalex:{row['id'].rsplit('/', 1)[-1]}", _cut(row["title"], abstract)))
    with (data / "firms" / "sbir_firms.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if int(row.get("n_manufacturing_awards") or 0) > 0 and row.get("recent_award_titles"):
                titles = [t.strip() for t in row["recent_award_titles"].split(" | ") if t.strip()]
                out["firm"].append((f"firm:{row['firm_key']}", f"{row['firm_name']}. " + ". ".join(titles) + "."))
    for row in _jsonl(KOREAN):
        out["ko"].append((f"problem-ko:{row['topic_id']}|{row['translated_from']}",
                          _cut(row.get("title", ""), row.get("description", ""))))
    return out


def main(argv: list[str]) -> int:
    data = Path(argv[0]) if argv else Path("/work/shared/data")
    taken_rows = [json.loads(line) for path in SAMPLES for line in path.read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    taken = {r["source"] for r in taken_rows}
    starts = {r["text"][:60].lower() for r in taken_rows}
    pools = {**extra_candidates(data), **candidates(data)}
    rng = random.Random(SEED)
    drawn: set[str] = set()
    for kind, want in PER_KIND.items():
        rows = [(s, t) for s, t in pools[kind] if len(re.findall(r"\w+", t)) >= 3]
        picked = 0
        for source, text in rng.sample(rows, len(rows)):
            key, _, translated_from = source.partition("|")
            origin = f"problem:{translated_from}" if translated_from else key
            if picked == want:
                break
            if {key, origin} & (taken | drawn) or text[:60].lower() in starts:
                continue
            drawn.update((key, origin))
            starts.add(text[:60].lower())
            picked += 1
            print(json.dumps({"source": key, "kind": kind, "text": text, "capabilities": []}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
