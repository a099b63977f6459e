"""The embedded default backend: tantivy indexes in INDEX_DIR (documents) and INDEX_DIR/profiles, no server."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .analysis import analyse, query_terms
from .backend import REBUILD_WRITER_HEAP, LocalBackend
from .schema import SCHEMA_VERSION, build_schema
from .split import SplitLocalBackend

__all__ = ["SCHEMA_VERSION", "LocalBackend", "SplitLocalBackend", "analyse", "build_schema", "from_settings",
           "query_terms"]


def from_settings(settings: Mapping[str, Any]) -> SplitLocalBackend:
    """Registry entry: read INDEX_DIR (required) and the optional writer tuning settings."""
    index_dir = settings.get("INDEX_DIR")
    if not index_dir:
        raise ValueError("SEARCH_BACKEND=local needs INDEX_DIR (a directory for the tantivy index)")
    return SplitLocalBackend(
        str(index_dir),
        writer_timeout=float(settings.get("INDEX_WRITER_TIMEOUT", 30.0)),
        writer_heap=int(settings.get("INDEX_WRITER_HEAP", 64_000_000)),
        rebuild_heap=int(settings.get("INDEX_REBUILD_HEAP", REBUILD_WRITER_HEAP)),
    )
