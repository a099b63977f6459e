"""Progress for long work that shows in a terminal, a log file and CI alike.

tqdm draws a bar on a terminal but hides itself when output is not one (its `disable=None`), so a
demo load under `make run | tee`, in CI or in a container log printed nothing for minutes. Off a
terminal this prints one plain line every few seconds instead (from a timer thread, so a step that
reports only its start and end still shows it is alive), and always a final line.
"""
from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import Any, TextIO

#: Seconds between two plain lines when output is not a terminal.
LINE_INTERVAL = 5.0


class Progress:
    """A bar on a terminal, else a line such as `demo: awards 1,200/5,432 rows (22%), 410 rows/s`.

    Use as a context manager; `update_to(done, total)` is the callback shape the loaders take.
    """

    def __init__(self, desc: str, unit: str = "rows", stream: TextIO | None = None,
                 interval: float = LINE_INTERVAL, tty: bool | None = None) -> None:
        self.desc, self.unit = desc, unit
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.done, self.total = 0, None  # type: int, int | None
        self._started = time.monotonic()
        self._stop = threading.Event()
        is_tty = tty if tty is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: Any = None
        if is_tty:
            from tqdm import tqdm

            self._bar = tqdm(desc=desc, unit=f" {unit}", file=self.stream)
        else:
            threading.Thread(target=self._tick, name=f"progress {desc}", daemon=True).start()

    def update_to(self, done: int, total: int | None = None) -> None:
        """Move to `done` of `total` (total may stay unknown)."""
        self.done = done
        if total is not None:
            self.total = total
        if self._bar is not None:
            if total is not None:
                self._bar.total = total
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        """Close the bar, or print the final line (also when nothing was counted)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            return
        if not self._stop.is_set():
            self._stop.set()
            self._line(final=True)

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._line()

    def _line(self, final: bool = False) -> None:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        count = f"{self.done:,}" + (f"/{self.total:,}" if self.total else "")
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        state = f" done in {elapsed:.1f} s" if final else ""
        print(f"{self.desc}: {count} {self.unit}{share}, {self.done / elapsed:,.0f} {self.unit}/s{state}",
              file=self.stream, flush=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
