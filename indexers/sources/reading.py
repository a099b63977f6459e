"""Shared plumbing for the parsers: encoding detection, streaming readers, field coercion, keys.

Every kind converts one mapping (a CSV row, a JSON object, a sheet row) into a record; the
runners here turn conversion failures into RowErrors so one bad row never stops an import.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from indexers.sources import csvfile, xlsxfile
from indexers.sources.decoding import MAX_JSON_DOCUMENT_BYTES, MAX_RECORD_CHARS, decoded_lines
from indexers.sources.decoding import detect_encoding  # noqa: F401 - re-exported for callers and tests
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


# --- runners -------------------------------------------------------------------------------

#: What a converter may raise on a malformed record besides FieldError: wrong JSON types reach code
#: written for the right ones (an int where a list was expected...). Each becomes the row's reject.
_RECORD_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError, OverflowError)


def convert_one(file: str, line: int, row: Row, convert: Converter) -> ParsedRow:
    """Apply a converter and turn its complaints into RowError/Skipped values; never raises for bad data."""
    try:
        return Parsed(convert(row), file, line)
    except FieldError as exc:
        return RowError(file, line, exc.field, exc.reason)
    except SkipRow as exc:
        return Skipped(file, line, exc.reason)
    except _RECORD_ERRORS as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
        return RowError(file, line, "record", f"malformed record ({reason[:300]})")


@lru_cache(maxsize=4096)
def _header_key(name: str) -> str:
    """A column or JSON key as the converters name it; cached, as every row of a file repeats the same keys."""
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def csv_rows(path: Path, convert: Converter) -> Iterator[ParsedRow]:
    """Stream a CSV with a header row (csvfile.py); malformed records become RowErrors."""
    return csvfile.csv_rows(path, lambda file, line, row: convert_one(file, line, row, convert))


def _json_object(file: str, number: int, line: str) -> dict[str, Any] | RowError:
    if len(line) > MAX_RECORD_CHARS:
        return RowError(file, number, "json", f"line longer than {MAX_RECORD_CHARS:,} characters")
    try:
        obj = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        return RowError(file, number, "json", f"malformed JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return RowError(file, number, "json", "JSON nested too deeply")
    if not isinstance(obj, dict):
        return RowError(file, number, "json", f"expected an object, got {type(obj).__name__}")
    return {_header_key(str(k)): v for k, v in obj.items()}


def jsonl_objects(path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """Stream (line, object) pairs from JSON Lines; malformed or undecodable lines come back as RowErrors."""
    file = str(path)
    for number, line in decoded_lines(path):
        if isinstance(line, RowError):
            yield number, line
        elif line.strip():
            yield number, _json_object(file, number, line)


def jsonl_rows(path: Path, convert: Converter) -> Iterator[ParsedRow]:
    """Stream JSON Lines through a converter."""
    for number, obj in jsonl_objects(path):
        yield obj if isinstance(obj, RowError) else convert_one(str(path), number, obj, convert)


def read_text(path: Path) -> str | RowError:
    """A whole (small) text document, or the RowError of its first undecodable line or of its size."""
    if path.stat().st_size > MAX_JSON_DOCUMENT_BYTES:
        return RowError(str(path), 1, "file", f"larger than {MAX_JSON_DOCUMENT_BYTES:,} bytes; "
                        "split it or use JSON Lines")
    parts: list[str] = []
    for _, line in decoded_lines(path):
        if isinstance(line, RowError):
            return line
        parts.append(line)
    return "".join(parts)


def xlsx_rows(path: Path, convert: Converter) -> Iterator[ParsedRow]:
    """Stream the first sheet of a workbook (xlsxfile.py) with its first row as header."""
    file = str(path)
    header: list[str] | None = None
    for number, values in xlsxfile.sheet_rows(path):
        if isinstance(values, RowError):
            yield values
            return
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


# --- field coercion ------------------------------------------------------------------------


#: The ASCII characters other than " " that str.split() splits on.
_ASCII_SPACES = tuple(c for c in map(chr, range(128)) if c.isspace() and c != " ")


def collapse_spaces(value: str) -> str:
    """" ".join(value.split()): whitespace runs as one space, none at the ends. An ASCII text that is
    already so (most abstracts) is returned as it is, after a few substring scans instead of a split
    into words and a join (~3 against ~19 us for a 2,000-character abstract)."""
    if (value.isascii() and "  " not in value and value[:1] != " " and value[-1:] != " "
            and not any(c in value for c in _ASCII_SPACES)):
        return value
    return " ".join(value.split())


def text(row: Row, *names: str) -> str | None:
    """First non-empty value among alias column names, whitespace-trimmed."""
    for name in names:
        value = row.get(name)
        if value is None:
            continue
        if isinstance(value, (dict, list, tuple)):
            raise FieldError(name, f"expected text, got a JSON {'object' if isinstance(value, dict) else 'array'}")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = collapse_spaces(str(value))
        if "\x00" in value:
            raise FieldError(name, "contains a NUL character (\\x00)")
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
        if isinstance(value, dict):
            raise FieldError(name, "expected a list or text, got a JSON object")
        items: Iterable[Any] = value if isinstance(value, (list, tuple)) else str(value).split(sep)
        if any(isinstance(v, (dict, list, tuple)) for v in items):
            raise FieldError(name, "expected a list of texts, got nested objects or lists")
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
