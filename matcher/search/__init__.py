"""Search backends behind one Protocol, chosen by the SEARCH_BACKEND setting.

The registry maps a name to "module:factory" so that choosing the local backend never
imports the Elasticsearch client, and adding an engine is one dict entry, not an if/elif.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, cast

from .base import DEFAULT_FILTER, BackendUnavailable, RebuildRequired, SearchBackend

__all__ = [
    "BACKENDS",
    "DEFAULT_FILTER",
    "BackendUnavailable",
    "RebuildRequired",
    "SearchBackend",
    "create_backend",
]

#: name -> "module:callable(settings) -> SearchBackend"
BACKENDS: dict[str, str] = {
    "local": "matcher.search.local:from_settings",
    "elasticsearch": "matcher.search.elasticsearch:from_settings",
}


def create_backend(name: str, settings: Mapping[str, Any], *, check: bool = False) -> SearchBackend:
    """Build the configured backend without touching the network (clients are lazy).

    An unknown name or missing setting raises ValueError at once; with ``check=True`` the
    backend's health() runs too, so start-up fails with BackendUnavailable when the engine is
    unreachable instead of serving empty results later.
    """
    target = BACKENDS.get((name or "").strip().lower())
    if target is None:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"unknown SEARCH_BACKEND {name!r}; expected one of: {known}")
    module_name, _, attr = target.partition(":")
    factory = cast(Callable[[Mapping[str, Any]], SearchBackend], getattr(importlib.import_module(module_name), attr))
    backend = factory(settings)
    if check:
        backend.health()
    return backend
