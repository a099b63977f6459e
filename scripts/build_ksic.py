"""Cut the bundled KSIC industry vocabulary from the shared bilingual classification.

Usage: python scripts/build_ksic.py [--source ../shared/data/taxonomy/ksic11_bilingual.csv]

Keeps section C (manufacturing) at its class and subclass levels, with official Korean and English names,
as matcher/capabilities/data/ksic_manufacturing.csv (read by matcher/capabilities/korean.py). Source:
Korean Standard Industrial Classification, 11th revision, Statistics Korea (통계청 한국표준산업분류 제11차).
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "taxonomy" / "ksic11_bilingual.csv"
TARGET = ROOT / "matcher" / "capabilities" / "data" / "ksic_manufacturing.csv"
LEVELS = ("class", "subclass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    with args.source.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["section"] == "C" and r["level"] in LEVELS]
    with TARGET.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "level", "name_ko", "name_en", "parent"])
        for r in rows:
            writer.writerow([r["code"], r["level"], r["name_ko"].strip(), r["name_en"].strip(), r["parent"]])
    print(f"{len(rows)} KSIC manufacturing classes and subclasses -> {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
