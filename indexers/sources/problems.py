"""Problems: manufacturers' or agencies' technical problem statements (SBIR topics in the demo)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from indexers.sources.reading import FieldError, Row, content_key, csv_rows, day, jsonl_rows, required, text
from indexers.sources.records import ParsedRow, ProblemRecord

VISIBILITIES = frozenset({"public", "members", "private"})


def problem_from_row(row: Row) -> ProblemRecord:
    """Map a problem row; problems are public unless the source says otherwise."""
    title = required(row, "title", "name")
    body = required(row, "description", "text", "problem", "abstract")
    owner = text(row, "agency_path", "agency", "owner", "company", "organisation", "organization")
    visibility = (text(row, "visibility") or "public").lower()
    if visibility not in VISIBILITIES:
        raise FieldError("visibility", f"unknown visibility {visibility!r} (expected one of {sorted(VISIBILITIES)})")
    return ProblemRecord(
        key=text(row, "topic_id", "problem_id", "key", "id") or content_key("problem", title, owner, body),
        title=title,
        text=body,
        region=text(row, "region", "state"),
        country=text(row, "country"),
        owner=owner,
        program=text(row, "program", "programme"),
        phase=text(row, "phase"),
        released=day(row, "release_date", "released", "published"),
        opens=day(row, "open_date", "opens"),
        closes=day(row, "close_date", "closes", "deadline"),
        url=text(row, "url"),
        visibility=visibility,
    )


def parse_csv(path: Path) -> Iterator[ParsedRow]:
    """Problems from CSV."""
    return csv_rows(path, problem_from_row)


def parse_jsonl(path: Path) -> Iterator[ParsedRow]:
    """Problems from JSON Lines."""
    return jsonl_rows(path, problem_from_row)
