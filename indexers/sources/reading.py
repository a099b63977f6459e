"""Shared plumbing for the parsers: encoding detection, streaming readers, field coercion, keys.

Every kind converts one mapping (a CSV row, a JSON object, a sheet row) into a record; the
runners here turn conversion failures into RowErrors so one bad row never stops an import.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from indexers.sources.records import Parsed, ParsedRow, Record, RowError, Skipped

Row = Mapping[str, Any]
Converter = Callable[[Row], Record]


class FieldError(ValueError):
    """Raised by a converter when one field makes the row unusable."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class SkipRow(Exception):
    """Raised by a converter for rows that are valid but not wanted (counted, not errors)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- encodings -----------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def detect_encoding(path: Path, chunk_size: int = 1 << 20) -> str:
    """BOM first, else UTF-8 if the whole file decodes, else CP-1252 (old Excel exports)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(chunk_size):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def open_text(path: Path):  # -> TextIO
    """Open a text source with its detected encoding; CP-1252 holes become U+FFFD, not crashes."""
    encoding = detect_encoding(path)
    errors = "replace" if encoding == "cp1252" else "strict"
    return open(path, encoding=encoding, errors=errors, newline="")


# --- runners -------------------------------------------------------------------------------


def convert_one(file: str, line: int, row: Row, convert: Converter) -> ParsedRow:
    """Apply a converter and turn its complaints into RowError/Skipped values."""
    try:
        return Parsed(convert(row), file, line)
    except FieldError as exc:
        return RowError(file, line, exc.field, exc.reason)
    except SkipRow as exc:
        return Skipped(file, line, exc.reason)


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def csv_rows(path: Path, convert: Converter) -> Iterator[ParsedRow]:
    """Stream a CSV with a header row; rows with the wrong column count become RowErrors."""
    file = str(path)
    with open_text(path) as fh:
        first_line = fh.readline()
        fh.seek(0)
        delimiter = max(",;\t", key=first_line.count)  # header decides; sniffing bodies misfires
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = [_header_key(h) for h in next(reader)]
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowError(file, 1, "header", str(exc))
            return
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RowError(file, start, "row", f"malformed CSV: {exc}")
                continue
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield RowError(file, start, "row", f"expected {len(header)} columns, got {len(values)}")
                continue
            yield convert_one(file, start, dict(zip(header, values)), convert)


def jsonl_objects(path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """Stream (line, object) pairs from JSON Lines; malformed lines come back as RowErrors."""
    file = str(path)
    with open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                yield number, RowError(file, number, "json", f"malformed JSON: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(obj, dict):
                yield number, RowError(file, number, "json", f"expected an object, got {type(obj).__name__}")
                continue
            yield number, {_header_key(k): v for k, v in obj.items()}


def jsonl_rows(path: Path, convert: Converter) -> Iterator[ParsedRow]:
    """Stream JSON Lines through a converter."""
    for number, obj in jsonl_objects(path):
        yield obj if isinstance(obj, RowError) else convert_one(str(path), number, obj, convert)


def xlsx_rows(path: Path, convert: Converter) -> Iterator[ParsedRow]:
    """Stream the first sheet of a workbook (read-only mode) with its first row as header."""
    from openpyxl import load_workbook  # optional dependency, needed only for spreadsheets

    file = str(path)
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(v not in (None, "") for v in values):
                continue
            if header is None:
                header = [_header_key(str(v or "")) for v in values]
                while header and not header[-1]:
                    header.pop()  # sheets pad every row to the widest one
                continue
            cells = list(values)
            extra = [v for v in cells[len(header):] if v not in (None, "")]
            if extra:
                yield RowError(file, number, "row", f"expected {len(header)} columns, got {len(cells)}")
                continue
            cells += [None] * (len(header) - len(cells))
            yield convert_one(file, number, dict(zip(header, cells)), convert)
    finally:
        workbook.close()


# --- field coercion ------------------------------------------------------------------------


def text(row: Row, *names: str) -> str | None:
    """First non-empty value among alias column names, whitespace-trimmed."""
    for name in names:
        value = row.get(name)
        if value is None:
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = " ".join(str(value).split())
        if value:
            return value
    return None


def required(row: Row, *names: str) -> str:
    """Like text(), but a missing value is a RowError naming the first alias."""
    value = text(row, *names)
    if value is None:
        raise FieldError(names[0], "missing required value")
    return value


def year(row: Row, *names: str) -> int | None:
    """A four-digit year from an int, a date or a string such as "2019", "2019///" or "2019-05-01"."""
    for name in names:
        value = row.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, (date, datetime)):
            return value.year
        if isinstance(value, int) and not isinstance(value, bool):
            candidate = value
        else:
            match = re.match(r"^\s*(\d{4})(?:\.0)?(?:$|[\s/\-.])", str(value))
            if not match:
                raise FieldError(name, f"unparsable year {str(value)[:40]!r}")
            candidate = int(match.group(1))
        if not 1000 <= candidate <= 2200:
            raise FieldError(name, f"year out of range: {candidate}")
        return candidate
    return None


_AMOUNT_JUNK = re.compile(r"[\s,$€£]|USD|EUR|GBP")


def amount(row: Row, *names: str) -> float | None:
    """A money amount from a number or a string like "$1,234.50"; anything else is a RowError."""
    for name in names:
        value = row.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        cleaned = _AMOUNT_JUNK.sub("", str(value))
        try:
            return float(cleaned)
        except ValueError:
            raise FieldError(name, f"unparsable amount {str(value)[:40]!r}") from None
    return None


def integer(row: Row, *names: str) -> int | None:
    """An integer count; "12.0" from spreadsheets is accepted."""
    number = amount(row, *names)
    if number is None:
        return None
    if not number.is_integer():
        raise FieldError(names[0], f"not an integer: {number}")
    return int(number)


_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y", "%B %d, %Y", "%b %d, %Y",
                 "%d %B %Y", "%Y/%m/%d", "%Y-%m", "%Y")


def day(row: Row, *names: str) -> date | None:
    """A date from ISO, US "06/01/2008" (month first, as NSF and SBIR write it) or "January 10, 2017"."""
    for name in names:
        value = row.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        raw = " ".join(str(value).split())
        head = raw.split(".")[0]  # drop fractional seconds
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(head, fmt).date()
            except ValueError:
                continue
        raise FieldError(name, f"unparsable date {raw[:40]!r}")
    return None


def listing(row: Row, *names: str, sep: str = ";") -> tuple[str, ...]:
    """A list from a JSON array or a separator-joined string, empty items dropped."""
    for name in names:
        value = row.get(name)
        if value in (None, ""):
            continue
        items: Iterable[Any] = value if isinstance(value, (list, tuple)) else str(value).split(sep)
        cleaned = tuple(" ".join(str(v).split()) for v in items if v is not None and str(v).strip())
        if cleaned:
            return cleaned
    return ()


# --- keys ----------------------------------------------------------------------------------


def _norm(value: object) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(value or "")).casefold().split())


def content_key(prefix: str, *parts: object) -> str:
    """A stable key from normalised fields, for sources without ids: same content -> same key."""
    digest = hashlib.sha1("\x1f".join(_norm(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}:sha1:{digest[:20]}"


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_doi(value: str | None) -> str | None:
    """Lower-case bare DOI ("10.1/x") whatever prefix the source used; None if it is not a DOI."""
    if not value:
        return None
    doi = _DOI_PREFIX.sub("", value.strip()).strip().lower()
    return doi if doi.startswith("10.") else None


def bare_id(value: str | None) -> str | None:
    """The last path segment of an identifier URL (ORCID, ROR, OpenAlex)."""
    if not value:
        return None
    return value.rstrip("/").rsplit("/", 1)[-1] or None
