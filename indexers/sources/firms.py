"""Firms: one row per firm (CSV/JSONL), or one row per award that evidences a firm (JSONL).

SBIR award lines carry the firm's key, name and address plus an abstract; each becomes a
FirmRecord holding that one document, and the ingest merges records sharing a key.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from indexers.sources.reading import Row, amount, content_key, csv_rows, jsonl_rows, required, text, year
from indexers.sources.records import FirmDocument, FirmRecord, ParsedRow


def _document(row: Row) -> tuple[FirmDocument, ...]:
    body = text(row, "abstract", "document_text")
    if body is None:
        return ()
    title = text(row, "title", "award_title") or body[:120]
    doc_key = text(row, "award_id", "document_id") or content_key("doc", title, body)
    return (
        FirmDocument(
            key=doc_key,
            title=title,
            text=body,
            year=year(row, "year", "award_year"),
            agency=text(row, "agency"),
            amount=amount(row, "award_amount", "amount"),
            url=text(row, "url"),
        ),
    )


def firm_from_row(row: Row) -> FirmRecord:
    """Map a firm row or an award-with-firm row onto a FirmRecord."""
    name = required(row, "firm_name", "name", "firm", "company")
    city = text(row, "city", "firm_city")
    region = text(row, "state", "region", "firm_state")
    country = text(row, "country", "firm_country")
    description = text(row, "description")
    if description is None and (titles := text(row, "recent_award_titles")):
        description = "; ".join(t.strip() for t in titles.split(" | ") if t.strip())
    return FirmRecord(
        key=text(row, "firm_key", "key", "firm_id", "id") or content_key("firm", name, region, country),
        name=name,
        city=city,
        region=region,
        country=country,
        postcode=text(row, "zip", "postcode", "postal_code", "firm_zip"),
        description=description,
        website=text(row, "website", "homepage", "firm_website"),
        documents=_document(row),
    )


def parse_csv(path: Path) -> Iterator[ParsedRow]:
    """Firms from CSV."""
    return csv_rows(path, firm_from_row)


def parse_jsonl(path: Path) -> Iterator[ParsedRow]:
    """Firms (or firm evidence documents) from JSON Lines."""
    return jsonl_rows(path, firm_from_row)
