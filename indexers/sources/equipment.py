"""Equipment: instruments and facilities; asset-register lines that are not equipment are skipped."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from indexers.sources.reading import (Row, SkipRow, content_key, csv_rows, jsonl_rows, required, text,
                                      xlsx_rows)
from indexers.sources.records import EquipmentRecord, ParsedRow

# Asset-register entries seen in the St Andrews data that name furniture, buildings, vehicles or
# bookkeeping rather than an instrument. Patterns are matched case-insensitively against the name.
NOT_EQUIPMENT: tuple[tuple[str, str], ...] = (
    (r"^(unknown|n/?a|none|hardware|lab equipment|chairs?|desks?|furniture)$", "placeholder or furniture"),
    (r"furniture", "placeholder or furniture"),
    (r"fixed asset|suspen[sc]|part asset|final payment|% (on|paid)|as per quotation|proforma|"
     r"^all at a total|\bgrant$|capital a|research funded", "bookkeeping entry"),
    (r"building|^bld\b|planning application|greenhouse|workhut|\bqs of\b|blind ch|^purdie|"
     r"clean room val", "building work"),
    (r"ford transit|land rover|\bvw (van|transporter)|isuzu|\bboat\b", "vehicle"),
    (r"^[\W\d_]*$|^inv\s*\d+$", "no descriptive name"),
    (r"^test equip(ment)?\.?$|^(misc(ellaneous)?|various|sundry|spares?)( equip(ment)?)?$", "generic placeholder name"),
)
_RULES = tuple((re.compile(p, re.IGNORECASE), reason) for p, reason in NOT_EQUIPMENT)


def equipment_from_row(row: Row) -> EquipmentRecord:
    """Map an equipment row, skipping names that are evidently not equipment."""
    name = required(row, "name", "equipment_name", "instrument")
    for pattern, reason in _RULES:
        if pattern.search(name):
            raise SkipRow(f"not equipment ({reason}): {name!r}")
    institution = text(row, "institution", "organisation", "organization")
    facility = text(row, "facility", "department", "lab")
    return EquipmentRecord(
        key=text(row, "equipment_id", "key", "id") or content_key("equipment", name, institution, facility),
        name=name,
        institution=institution,
        facility=facility,
        location=text(row, "location", "room", "building"),
        category=text(row, "category", "type"),
        description=text(row, "description", "notes"),
        status=text(row, "status"),
        access=text(row, "access", "access_terms", "conditions"),
        url=text(row, "url", "website"),
        licence=text(row, "licence", "license"),
    )


def parse_csv(path: Path) -> Iterator[ParsedRow]:
    """Equipment from CSV."""
    return csv_rows(path, equipment_from_row)


def parse_jsonl(path: Path) -> Iterator[ParsedRow]:
    """Equipment from JSON Lines."""
    return jsonl_rows(path, equipment_from_row)


def parse_xlsx(path: Path) -> Iterator[ParsedRow]:
    """Equipment from the first sheet of an Excel workbook."""
    return xlsx_rows(path, equipment_from_row)
