"""Draw the texts of the held-out capability sample (tests/capabilities/heldout_sample.jsonl).

Why: item 5 of issue 12 asks for extraction figures on texts that no rule was tuned on. This picks a
fixed, seeded mix of real texts from the shared data (NSF awards, SBIR awards, SBIR topics, equipment,
FP7 results in brief), leaving out every source of the old sample; the capabilities are then labelled
by hand (rule in the sample's header). Usage:
    python -m benchmarks.build_capability_sample /work/shared/data > draft.jsonl
"""
from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

OLD_SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "capabilities" / "labelled_sample.jsonl"
PER_SOURCE = {"nsf": 14, "sbir": 14, "problem": 14, "equipment": 10, "fp7": 12}
MAX_CHARS = 520
SEED = 20261130


def _cut(title: str, body: str) -> str:
    """Title and the first sentences of the body, at most MAX_CHARS, ending at a sentence end."""
    title = " ".join((title or "").split()).rstrip(".")
    body = " ".join((body or "").split())
    text = f"{title}. {body}" if body and not body.lower().startswith(title.lower()[:40]) else (body or title)
    if len(text) <= MAX_CHARS:
        return text
    cut = text[:MAX_CHARS]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > len(title) + 40 else cut.rsplit(" ", 1)[0]


def _jsonl(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def candidates(data: Path) -> dict[str, list[tuple[str, str]]]:
    """(source id, text) per source kind, in file order."""
    out: dict[str, list[tuple[str, str]]] = {k: [] for k in PER_SOURCE}
    for row in _jsonl(data / "researchers" / "nsf_awards_engineering.jsonl"):
        out["nsf"].append((f"nsf:{row['award_id']}", _cut(row.get("title", ""), row.get("abstract", ""))))
    for row in _jsonl(data / "firms" / "sbir_awards_manufacturing.jsonl"):
        out["sbir"].append((f"sbir:{row['award_id']}", _cut(row.get("title", ""), row.get("abstract", ""))))
    for row in _jsonl(data / "problems" / "sbir_topics_manufacturing.jsonl"):
        out["problem"].append((f"problem:{row['topic_id']}", _cut(row.get("title", ""), row.get("description", ""))))
    with (data / "equipment" / "equipment.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if len(row.get("description") or "") >= 40 and row.get("name") not in (None, "", "UNKNOWN"):
                out["equipment"].append((f"equipment:{row['equipment_id']}", _cut(row["name"], row["description"])))
    for row in _jsonl(data / "projects" / "fp7_results_in_brief.jsonl"):
        out["fp7"].append((f"fp7:{row['brief_rcn']}", _cut(row.get("title", ""), row.get("teaser", ""))))
    return out


def main(argv: list[str]) -> int:
    data = Path(argv[0]) if argv else Path("/work/shared/data")
    old_rows = [json.loads(line) for line in OLD_SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    old = {r["source"] for r in old_rows}
    old_starts = {r["text"][:60].lower() for r in old_rows}
    rng = random.Random(SEED)
    for kind, rows in candidates(data).items():
        rows = [(s, t) for s, t in rows if s not in old and len(re.findall(r"\w+", t)) >= 8]
        for source, text in rng.sample(rows, PER_SOURCE[kind]):
            if text[:60].lower() in old_starts:  # the same text under another id (a topic re-issued)
                continue
            print(json.dumps({"source": source, "text": text, "capabilities": []}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
