"""Cut the bundled demo data set from the team's shared real data (../shared/data).

Run once by a developer; the output in data/demo/ is committed. Only real records are kept,
reshaped as little as possible; see data/README.md for sources and licences.
Usage: python scripts/build_demo_data.py [--shared ../shared/data]
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "demo"
MAX_AWARDS = 2200
MAX_PROBLEMS = 150
PROJECT_PROGRAMMES = ("FP7-NMP", "FP7-SME")
MAX_PROJECTS = 1200


def awards(shared: Path) -> int:
    """NSF awards: every manufacturing-flagged one, then academic CMMI/DMR awards up to the cap."""
    rows = [json.loads(line) for line in (shared / "researchers" / "nsf_awards_engineering.jsonl").open(encoding="utf-8")]
    chosen = [r for r in rows if r.get("manufacturing_flag")]
    chosen += [r for r in rows if not r.get("manufacturing_flag") and r.get("is_academic_guess")
               and r.get("division_abbr") in ("CMMI", "DMR")]
    chosen = chosen[:MAX_AWARDS]
    with (OUT / "nsf_awards.jsonl").open("w", encoding="utf-8") as out:
        for r in chosen:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(chosen)


def firms(shared: Path) -> int:
    src = shared / "firms" / "sbir_awards_manufacturing.jsonl"
    lines = src.read_text(encoding="utf-8").splitlines()
    (OUT / "sbir_firm_awards.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def problems(shared: Path) -> int:
    """The most recent solicitation topics, as public problems posed by agencies."""
    rows = [json.loads(line) for line in (shared / "problems" / "sbir_topics_manufacturing.jsonl").open(encoding="utf-8")]
    rows.sort(key=lambda r: (r.get("release_date") or ""), reverse=True)
    chosen = rows[:MAX_PROBLEMS]
    with (OUT / "problems.jsonl").open("w", encoding="utf-8") as out:
        for r in chosen:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(chosen)


def equipment(shared: Path) -> int:
    src = shared / "equipment" / "equipment.csv"
    text = src.read_text(encoding="utf-8")
    (OUT / "equipment.csv").write_text(text, encoding="utf-8")
    return text.count("\n") - 1


def projects(shared: Path) -> int:
    """FP7 projects of the manufacturing-related programmes stand in for institute projects."""
    with (shared / "projects" / "fp7_projects.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        chosen = [r for r in reader if r["programme_code"] in PROJECT_PROGRAMMES][:MAX_PROJECTS]
    with (OUT / "fp7_projects.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(chosen)
    return len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    counts = {name: fn(args.shared) for name, fn in
              {"awards": awards, "firm_awards": firms, "problems": problems, "equipment": equipment,
               "projects": projects}.items()}
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
