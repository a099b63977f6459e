"""Projects: institute projects with programme, dates, participants and cost (FP7 stands in)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from indexers.sources.reading import (Row, amount, content_key, csv_rows, day, integer, jsonl_rows, listing,
                                      required, text)
from indexers.sources.records import ParsedRow, ProjectRecord

# CORDIS status codes, spelled out so the web layer need not know them.
_STATUS = {"ONG": "ongoing", "CLO": "closed", "SIG": "signed", "TER": "terminated", "CAN": "cancelled"}


def project_from_row(row: Row) -> ProjectRecord:
    """Map a project row."""
    title = required(row, "title", "name")
    programme = text(row, "programme_name", "programme", "program", "programme_code")
    participants = listing(row, "participants", "participant_names", "organisations")
    status = text(row, "status")
    return ProjectRecord(
        key=text(row, "project_id", "key", "id") or content_key("project", title, programme),
        title=title,
        acronym=text(row, "acronym"),
        description=text(row, "description", "objective", "summary", "abstract"),
        institute=text(row, "institute", "coordinator", "organisation"),
        programme=programme,
        status=_STATUS.get(status.upper(), status) if status else None,
        start_date=day(row, "start_date", "start"),
        end_date=day(row, "end_date", "end"),
        call_open=day(row, "call_open", "call_open_date", "open_date"),
        call_close=day(row, "call_close", "call_close_date", "close_date", "deadline"),
        participants=participants,
        participant_count=integer(row, "n_participating_organisations", "participant_count")
        or (len(participants) or None),
        cost=amount(row, "total_cost_eur", "total_cost", "cost", "budget"),
    )


def parse_csv(path: Path) -> Iterator[ParsedRow]:
    """Projects from CSV."""
    return csv_rows(path, project_from_row)


def parse_jsonl(path: Path) -> Iterator[ParsedRow]:
    """Projects from JSON Lines."""
    return jsonl_rows(path, project_from_row)
