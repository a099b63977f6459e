"""Where rejected rows go: stderr, a reject file and the run's record, each capped.

A runaway file once wrote 3,989,918 reject lines (314 MB); now each output keeps its first rows
and ends with a count of the rest, so the operator sees the pattern and the total.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from matcher.runtime import Runtime

if TYPE_CHECKING:
    from indexers.ingest import ImportReport

MAX_PRINTED_REJECTS = 100
MAX_FILE_REJECTS = 10_000
MAX_STORED_REJECTS = 5000


class RejectLog:
    """Writes reject lines to stderr (first MAX_PRINTED_REJECTS) and a file (first MAX_FILE_REJECTS)."""

    def __init__(self, runtime: Runtime, source: Path, reject_file: str | Path | None, errors: TextIO | None) -> None:
        self.runtime = runtime
        self.source = source
        self.wanted = reject_file
        self.errors = errors
        self.out: TextIO | None = None
        self.path: str | None = None
        self.count = 0

    def add(self, message: str, report: ImportReport) -> None:
        self.count += 1
        if len(report.rejects) < MAX_STORED_REJECTS:
            report.rejects.append(message)
        if self.errors is not None and self.count <= MAX_PRINTED_REJECTS:
            print(message, file=self.errors)
        if self.count <= MAX_FILE_REJECTS:
            self._file().write(message + "\n")

    def _file(self) -> TextIO:
        """Rejected rows go next to the instance data, never beside a (possibly read-only) source file."""
        if self.out is None:
            target = self.wanted
            if target is None:
                base = Path(self.runtime.settings.get("INDEX_DIR", "instance/index")).parent / "rejects"
                stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
                target = base / f"{self.source.name}.{stamp}.rejects.txt"
            path = Path(target)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.path = str(path)
            self.out = path.open("w", encoding="utf-8")
        return self.out

    def close(self) -> None:
        more = self.count - MAX_FILE_REJECTS
        if self.out is not None and more > 0:
            self.out.write(f"... and {more} more rejected rows (not listed)\n")
        if self.errors is not None and self.count > MAX_PRINTED_REJECTS:
            print(f"... {self.count - MAX_PRINTED_REJECTS} more rejected rows; all counted in the run, "
                  f"the first {MAX_FILE_REJECTS} in {self.path}", file=self.errors)
        if self.out is not None:
            self.out.close()
            self.out = None
