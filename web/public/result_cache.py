"""A small per-process cache of search results: paging, filtering back and forth and the example
problems on the home page repeat queries, and a repeated query should not pay for ranking again.

Entries live `ttl` seconds, so an import shows within a minute. A researcher's correction must show at
once, so every entry remembers the entities it holds and `invalidate` drops each entry holding one of
them. Other worker processes learn of it through an append-only file of corrected ids (`log_path`),
which every lookup checks with one stat call.
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any


def entity_ids(value: Any) -> frozenset[str]:
    """The entity ids in a cached value: a result with `.matches`, or a dict of such results."""
    if isinstance(value, dict):
        return frozenset().union(*(entity_ids(v) for v in value.values()))
    return frozenset(str(m.entity_id) for m in getattr(value, "matches", ()) or ())


class ResultCache:
    def __init__(self, max_entries: int = 512, ttl: float = 60.0, log_path: str | Path | None = None) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self.log_path = Path(log_path) if log_path else None
        self._log_offset = self.log_path.stat().st_size if self.log_path and self.log_path.exists() else 0
        self._items: OrderedDict[Hashable, tuple[float, Any, frozenset[str]]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if self.ttl <= 0:  # the cache is off: nothing could be reused, so nothing is kept
            return compute()
        self._sync()
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and now - hit[0] < self.ttl:
                self._items.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._items[key] = (now, value, entity_ids(value))
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return value

    def invalidate(self, ids: Iterable[str]) -> int:
        """Drop every entry holding one of `ids`, here and (through the log) in the other workers."""
        wanted = {i for i in ids if i}
        if self.log_path is not None and wanted:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write("".join(f"{i}\n" for i in sorted(wanted)))
        return self._drop(wanted)

    def _drop(self, wanted: set[str]) -> int:
        with self._lock:
            stale = [k for k, (_, _, held) in self._items.items() if held & wanted]
            for key in stale:
                del self._items[key]
        return len(stale)

    def _sync(self) -> None:
        """Apply corrections logged by any process since this one last looked."""
        if self.log_path is None:
            return
        try:
            size = os.stat(self.log_path).st_size
        except FileNotFoundError:
            return
        if size <= self._log_offset:
            return
        with open(self.log_path, encoding="utf-8") as log:
            log.seek(self._log_offset)
            fresh = log.read()
        self._log_offset += len(fresh.encode("utf-8"))
        self._drop({line.strip() for line in fresh.splitlines() if line.strip()})

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
