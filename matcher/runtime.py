"""The core's wiring: one object that owns the database, the search backend and the models.

Web, CLI and evaluator each build a Runtime from settings, so there is one way to
reach the store and the index. Heavy parts (search engine, spaCy, embeddings) are
created on first use: building a Runtime touches no network and loads no model.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from .db import Database


class Runtime:
    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.settings = dict(settings)
        self.db = Database(self.settings["DATABASE_URL"],
                           lock_timeout=float(self.settings.get("DATABASE_LOCK_TIMEOUT", 30)))
        self._search: Any = None
        self._encoder: Any = None
        self._encoder_loaded = False
        self._lock = threading.Lock()

    @property
    def search(self) -> Any:
        """The configured search backend, created lazily (ES opens no connection until used)."""
        if self._search is None:
            with self._lock:
                if self._search is None:
                    from .search import create_backend

                    self._search = create_backend(self.settings.get("SEARCH_BACKEND", "local"), self.settings)
        return self._search

    def wrap_search(self, wrapper: Any) -> None:
        """Replace the backend by `wrapper(backend)` (e.g. a guard that refuses a missing index)."""
        backend = self.search
        with self._lock:
            self._search = wrapper(backend)

    @property
    def encoder(self) -> Any:
        """The sentence encoder, or None when disabled or not installed (ranking then stays lexical)."""
        if not self._encoder_loaded:
            with self._lock:
                if not self._encoder_loaded:
                    if self.settings.get("SEMANTIC_ENABLED", True):
                        from .embeddings import load_encoder

                        self._encoder = load_encoder(
                            query_precision=self.settings.get("QUERY_ENCODER_PRECISION", "int8"))
                    self._encoder_loaded = True
        return self._encoder

    def close(self) -> None:
        closer = getattr(self._search, "close", None)
        if callable(closer):
            closer()
        self.db.dispose()
