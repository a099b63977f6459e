"""Checks on a parsed record before it is written: what a parser cannot see alone.

NUL characters anywhere (PostgreSQL refuses them in text), titles and names longer than the
columns hold (no silent truncation), and an id seen earlier in the same file (a second row with
the same id would silently overwrite the first).
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

from indexers.sources.records import FirmRecord, Parsed, Record, RowError

MAX_TITLE_CHARS = 500
_TITLED = ("title", "name")


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    """(field path, text) for every string inside a record (people and documents included)."""
    if isinstance(value, str):
        return [(path, value)]
    if dataclasses.is_dataclass(value):
        found: list[tuple[str, str]] = []
        for f in dataclasses.fields(value):
            found += _strings(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)
        return found
    if isinstance(value, (tuple, list)):
        found = []
        for i, item in enumerate(value, start=1):
            found += _strings(item, f"{path}[{i}]")
        return found
    return []


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of a dataclass type, () for any other type (asked once per type)."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else ()


def _has_nul(value: Any) -> bool:
    """Whether any string inside the record holds a NUL: the common no-problem case, without paths.
    One loop over a stack and fields cached per type: it runs on every row (~30 values a publication)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if "\x00" in item:
                return True
        elif kind is tuple or kind is list:
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
        else:
            stack.extend([getattr(item, name) for name in _field_names(kind)])
    return False


def _keys(record: Record) -> list[str]:
    """The ids a row claims: firms share their key across award lines, so their documents' keys count."""
    if isinstance(record, FirmRecord) and record.documents:
        return [f"document {d.key}" for d in record.documents]
    return [record.key]


class RecordChecks:
    """One file's checks; remembers the ids already seen in it."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def check(self, row: Parsed) -> RowError | None:
        """The row's first problem, or None (and its ids are then remembered)."""
        if _has_nul(row.record):
            for path, value in _strings(row.record, ""):
                if "\x00" in value:
                    return RowError(row.file, row.line, path, "contains a NUL character (\\x00)")
        for name in _TITLED:
            value = getattr(row.record, name, None)
            if isinstance(value, str) and len(value) > MAX_TITLE_CHARS:
                return RowError(row.file, row.line, name, f"{len(value)} characters; at most {MAX_TITLE_CHARS}")
        keys = _keys(row.record)
        for key in keys:
            first = self.seen.get(key)
            if first is not None:
                return RowError(row.file, row.line, "id", f"duplicate id {key[:80]!r}, first at line {first}; "
                                "this row is not imported")
        for key in keys:
            self.seen[key] = row.line
        return None
