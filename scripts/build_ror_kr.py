"""Cut the bundled table of Korean research organisations from the team's ROR extract.

Usage: python scripts/build_ror_kr.py [--source ../shared/data/institutions/ror_institutions.csv]

Keeps the Korean records (country_code KR) with their aliases split into Korean ones (with Hangul) and
others, and their province or metropolitan city as an ISO 3166-2:KR code (from ROR's `subdivision`, else
from the city when the city is itself a metropolitan city). Writes data/institutions/ror_kr.csv, read by
indexers/institutions.py. ROR data is CC0.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.korean import has_hangul  # noqa: E402
from matcher.regions import korean_region  # noqa: E402

DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "institutions" / "ror_institutions.csv"
TARGET = ROOT / "data" / "institutions" / "ror_kr.csv"
COLUMNS = ("ror_id", "name", "aliases_ko", "aliases", "acronyms", "types", "status", "city", "region", "subdivision",
           "lat", "lng", "website", "parent_ror_ids")


def split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    with args.source.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["country_code"] == "KR"]
    with TARGET.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in sorted(rows, key=lambda r: r["ror_id"]):
            aliases = split(r["aliases"])
            region = korean_region(r["subdivision"]) or korean_region(r["city"]) or ""
            writer.writerow([r["ror_id"], r["name"], "; ".join(a for a in aliases if has_hangul(a)),
                             "; ".join(a for a in aliases if not has_hangul(a)), r["acronyms"], r["types"], r["status"],
                             r["city"], region, r["subdivision"], r["lat"], r["lng"], r["website"], r["parent_ror_ids"]])
    with_ko = sum(1 for r in rows if any(has_hangul(a) for a in split(r["aliases"])))
    print(f"{len(rows)} Korean organisations ({with_ko} with a Korean name) -> {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
