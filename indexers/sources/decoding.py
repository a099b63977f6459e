"""Text decoding per file, decided from the whole file and applied strictly line by line.

A file's encoding is chosen once (BOM, else strict UTF-8, else CP949 when the non-UTF-8 lines decode
as CP949 into mostly Hangul, as Korean offices' Excel saves them, else CP-1252 for old Western
exports). Then each line is decoded strictly in that encoding: a line that does not decode, or a
UTF-8 line inside a CP949/CP-1252 file (a mixed file), comes back as a RowError naming its line,
so one foreign row is reported instead of turning the whole file into mojibake.
"""
from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from indexers.sources.records import RowError

#: Longest record (one line of JSON Lines, one CSV record with its quoted line breaks), in characters.
#: Far above any real abstract (tens of kB); a bound so one runaway field cannot fill memory or rejects.
MAX_RECORD_CHARS = 2_000_000
#: Whole-document JSON (an OpenAlex API page) is loaded at once; larger files must be JSON Lines.
MAX_JSON_DOCUMENT_BYTES = 256_000_000

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp949": "CP949 (EUC-KR)", "cp1252": "CP-1252"}
_HANGUL = (0xAC00, 0xD7A3)
_READ = 1 << 20


@dataclass
class _Tally:
    """Counts over the lines holding non-ASCII bytes."""

    utf8_ok: int = 0
    utf8_bad: int = 0
    cp949_ok: int = 0
    hangul: int = 0
    other: int = 0

    def add(self, raw: bytes) -> None:
        try:
            raw.decode("utf-8")
            self.utf8_ok += 1
            return
        except UnicodeDecodeError:
            self.utf8_bad += 1
        try:
            decoded = raw.decode("cp949")
        except UnicodeDecodeError:
            return
        self.cp949_ok += 1
        for char in decoded:
            if ord(char) > 127:
                if _HANGUL[0] <= ord(char) <= _HANGUL[1]:
                    self.hangul += 1
                else:
                    self.other += 1

    def choice(self) -> str:
        if self.utf8_bad == 0 or self.utf8_ok >= self.utf8_bad:
            return "utf-8"  # pure UTF-8, or UTF-8 with a few foreign lines (reported line by line)
        korean = self.cp949_ok * 2 >= self.utf8_bad and self.hangul >= 2 * self.other
        return "cp949" if korean else "cp1252"


def _raw_lines(path: Path) -> Iterator[bytes]:
    """Binary lines, each cut at MAX_RECORD_CHARS * 4 bytes (the rest of an endless line is dropped)."""
    limit = MAX_RECORD_CHARS * 4
    with open(path, "rb") as fh:
        while line := fh.readline(limit + 1):
            if len(line) > limit and not line.endswith(b"\n"):
                while (rest := fh.readline(_READ)) and not rest.endswith(b"\n"):
                    pass
                line += b"\n"
            yield line


def detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-16', 'utf-8', 'cp949' or 'cp1252', from the whole file (see the module doc)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    tally = _Tally()
    for raw in _raw_lines(path):
        if not raw.isascii():
            tally.add(raw)
    return tally.choice()


def _line_error(file: str, number: int, raw: bytes, encoding: str) -> RowError | None:
    """Why this line does not belong to a file in `encoding`, or None when it does."""
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as exc:
        byte = raw[exc.start:exc.start + 2].hex(" ")
        return RowError(file, number, "encoding", f"bytes {byte} at byte {exc.start + 1} are not valid "
                        f"{_NAMES.get(encoding, encoding)}, the encoding of the rest of this file; "
                        "re-save the file in one encoding (UTF-8)")
    if encoding in ("cp949", "cp1252") and not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return RowError(file, number, "encoding", f"this line is UTF-8 but the rest of this file is "
                        f"{_NAMES[encoding]}; re-save the file in one encoding (UTF-8)")
    return None


def decoded_lines(path: Path, start: int = 1) -> Iterator[tuple[int, str | RowError]]:
    """(line number, text) from `start` on; a line that does not decode comes back as a RowError."""
    file = str(path)
    encoding = detect_encoding(path)
    if encoding == "utf-16":
        with open(path, encoding="utf-16", errors="replace", newline="") as fh:
            for number, line in enumerate(fh, start=1):
                if number >= start:
                    yield number, line
        return
    for number, raw in enumerate(_raw_lines(path), start=1):
        if number < start:
            continue
        if not raw.isascii():
            error = _line_error(file, number, raw, encoding)
            if error is not None:
                yield number, error
                continue
        yield number, raw.decode(encoding)
