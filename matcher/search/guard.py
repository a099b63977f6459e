"""A stand-in for the local backend when its index is missing but SQL holds documents.

Opening the local backend creates an empty index where none is found; after a lost or deleted index
that meant a server answering every search with nothing and /healthz saying ok with 0 documents. The
guard refuses every read and write with BackendUnavailable naming `flask index rebuild` (served as
503), lets a rebuild through, and steps aside as soon as an index exists again (the rebuild may run
in another process).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import BackendUnavailable

#: What still works without an index: building one, and tidying up.
_ALLOWED = frozenset({"rebuild", "rebuilding", "close", "drop", "name", "uses_query_vector", "index_dir",
                      "rebuild_heap", "documents", "profiles"})


class MissingIndexGuard:
    """Wraps a backend; every attribute but a rebuild raises until `index_dir/meta.json` exists."""

    def __init__(self, backend: Any, index_dir: Path, message: str) -> None:
        self._backend = backend
        self._meta = Path(index_dir) / "meta.json"
        self._message = message

    def __getattr__(self, name: str) -> Any:
        if name in _ALLOWED or self._meta.exists():
            return getattr(self._backend, name)
        raise BackendUnavailable(self._message)
