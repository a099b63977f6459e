"""CSV records read so that a broken quote never merges rows and a runaway field stays one reject.

csv.reader (strict) pulls physical lines from _Feed, which remembers the lines of the record being
read. When a record spanning several lines fails (bad quoting, the end of the file inside quotes,
the wrong number of columns), its first line is reported and the lines after it are read again as
records of their own: the rows an unclosed quote swallowed are kept. A record longer than
MAX_RECORD_CHARS is reported once with its line range and skipped to where its quote closes.
"""
from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from indexers.sources.decoding import MAX_RECORD_CHARS, decoded_lines
from indexers.sources.records import ParsedRow, RowError

Converter = Callable[[Mapping[str, Any]], Any]
csv.field_size_limit(MAX_RECORD_CHARS + 1)  # our own bound (in _Feed) is the one that counts


class _BadLine(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


class _TooLong(Exception):
    pass


class _Feed:
    """Physical lines for csv.reader, with push-back, the current record's lines and a size bound."""

    def __init__(self, lines: Iterator[tuple[int, str | RowError]]) -> None:
        self.lines = lines
        self.back: deque[tuple[int, str | RowError]] = deque()
        self.taken: list[tuple[int, str]] = []
        self.chars = 0

    def __iter__(self) -> _Feed:
        return self

    def _pull(self) -> tuple[int, str | RowError]:
        if self.back:
            return self.back.popleft()
        return next(self.lines)

    def __next__(self) -> str:
        number, line = self._pull()
        if isinstance(line, RowError):
            if self.taken:  # inside a record: the record cannot be whole; retry the lines after it
                self.back.appendleft((number, line))
                self.retry_after_first()
                raise _BadLine(RowError(line.file, self.taken[0][0], "row", "a quoted field runs into a line "
                                        f"that does not decode (line {number})"))
            raise _BadLine(line)
        self.taken.append((number, line))
        self.chars += len(line)
        if self.chars > MAX_RECORD_CHARS:
            raise _TooLong()
        return line

    def start_record(self) -> None:
        self.taken = []
        self.chars = 0

    def retry_after_first(self) -> None:
        """Give back every line of the failed record but its first, to be read again."""
        self.back.extendleft(reversed(self.taken[1:]))

    def skip_open_quote(self) -> int:
        """Drop lines until the record's quotes balance; returns the last line number dropped."""
        quotes = sum(line.count('"') for _, line in self.taken)
        last = self.taken[-1][0]
        while quotes % 2:
            try:
                number, line = self._pull()
            except StopIteration:
                break
            last = number
            if not isinstance(line, RowError):
                quotes += line.count('"')
        return last


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def _header(file: str, lines: Iterator[tuple[int, str | RowError]]) -> tuple[list[str], str] | RowError | None:
    for number, line in lines:
        if isinstance(line, RowError):
            return RowError(file, number, "header", line.reason)
        if not line.strip():
            continue
        delimiter = max(",;\t", key=line.count)  # the header decides; sniffing bodies misfires
        try:
            names = next(csv.reader([line], delimiter=delimiter, strict=True))
        except csv.Error as exc:
            return RowError(file, number, "header", f"malformed CSV header: {exc}")
        return [_header_key(h) for h in names], delimiter
    return None


def csv_rows(path: Path, convert: Callable[[str, int, Mapping[str, Any]], ParsedRow]) -> Iterator[ParsedRow]:
    """Stream a CSV with a header row; every malformed record is a RowError at its first line."""
    file = str(path)
    lines = decoded_lines(path)
    found = _header(file, lines)
    if found is None:
        return
    if isinstance(found, RowError):
        yield found
        return
    header, delimiter = found
    feed = _Feed(lines)
    reader = csv.reader(feed, delimiter=delimiter, strict=True)
    while True:
        feed.start_record()
        try:
            values = next(reader)
        except StopIteration:
            return
        except _BadLine as exc:
            yield exc.error
            continue
        except _TooLong:
            first = feed.taken[0][0]
            last = feed.skip_open_quote()
            yield RowError(file, first, "row", f"record longer than {MAX_RECORD_CHARS:,} characters "
                           f"(lines {first}-{last} skipped): a huge field or an unclosed quote")
            continue
        except csv.Error as exc:
            yield _quote_error(file, feed, f"malformed CSV: {exc}")
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield _quote_error(file, feed, f"expected {len(header)} columns, got {len(values)}")
            continue
        yield convert(file, feed.taken[0][0], dict(zip(header, values)))


def _quote_error(file: str, feed: _Feed, reason: str) -> RowError:
    """The failed record's first line is the bad row; the lines after it are read again."""
    first = feed.taken[0][0] if feed.taken else 0
    if len(feed.taken) > 1:
        feed.retry_after_first()
        reason += " (an unclosed quote? the lines after this one are read as rows of their own)"
    return RowError(file, first, "row", reason)
