"""The first sheet of an XLSX workbook as rows, refused up front when it is not a workbook or too big.

A workbook is a zip archive; an 843 kB file can hold 288 MB of sheet XML, which openpyxl would
stream for minutes. The zip directory states each member's uncompressed size (and zipfile never
reads past it), so the sheets' total is checked before openpyxl opens anything.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indexers.sources.records import RowError

#: Uncompressed sheet XML a workbook may hold (a 20-column register of 100k rows is about 60 MB).
MAX_SHEET_XML_BYTES = 100_000_000


def _refusal(path: Path) -> str | None:
    """Why this file cannot be read as a workbook, or None."""
    if not zipfile.is_zipfile(path):
        return "not an XLSX workbook (not a zip archive); save it as .xlsx or export CSV"
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"not a readable XLSX workbook: {exc}"
    if not sheets:
        return "not an XLSX workbook (no worksheets inside)"
    size = sum(i.file_size for i in sheets)
    if size > MAX_SHEET_XML_BYTES:
        return (f"its sheets hold {size:,} bytes of XML, over the limit of {MAX_SHEET_XML_BYTES:,}; "
                "split the workbook or export CSV")
    return None


def sheet_rows(path: Path) -> Iterator[tuple[int, tuple[Any, ...] | RowError]]:
    """(row number, cell values) of the first sheet; a RowError (and the end) when it cannot be read."""
    from openpyxl import load_workbook  # optional dependency, needed only for spreadsheets

    file = str(path)
    refusal = _refusal(path)
    if refusal:
        yield 1, RowError(file, 1, "file", refusal)
        return
    number = 0
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
                yield number, values
        finally:
            workbook.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds (KeyError, XML errors...) on a bad file
        yield number + 1, RowError(file, number + 1, "file", f"cannot read the workbook: {type(exc).__name__}: "
                                   f"{str(exc)[:200]}")
