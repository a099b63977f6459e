"""Evidence sentences' vectors, computed when the index is rebuilt instead of while a visitor waits.

A document found by meaning alone shows its sentence closest in meaning to the problem
(matcher.ranking.grounding). Encoding its first sentences cost ~12 ms of CPU per such document at query
time (83 such documents in 100 demo searches), yet the vectors do not depend on the problem: `flask index
rebuild` now stores them beside the index (``INDEX_DIR/sentences``), each sentence encoded alone by the
query model exactly as the picker did, so the same sentence is chosen. Vectors are kept as int8 with one
float32 scale per sentence (384 + 4 bytes a sentence; ~23 MB for the demo's ~58,000 sentences) and found
by the hash of the text they were computed from, so a changed text is never explained by old vectors.

Layout (JSON + .npy, no pickle): ``manifest.json`` {version, fingerprint, keys, starts, counts, matrix,
scales}; the matrix and scales are memory-mapped and shared by a server's workers.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matcher.ranking.vectors import ManifestStore, publish_manifest

FORMAT_VERSION = 1
STORE_DIR = "sentences"
#: How often (seconds) a reader looks whether a rebuild replaced the files: a stat per search cost more
#: than the look-up it guards on a loaded machine.
RELOAD_EVERY = 2.0

Entry = tuple[np.ndarray, np.ndarray]  # (int8 rows, float32 scales) of one text's sentences


def evidence_key(title: str, text: str) -> str:
    """The key of a document's evidence text (title and body as the page reads them)."""
    return hashlib.sha1(f"{title}\x00{text}".encode("utf-8", "surrogatepass")).hexdigest()[:20]


def quantize(vectors: np.ndarray) -> Entry:
    """int8 rows with one scale each (symmetric, max |value| -> 127)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    scales = np.maximum(np.abs(vectors).max(axis=1), np.float32(1e-12)) / np.float32(127.0)
    rows = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return rows, scales.astype(np.float32)


class SentenceVectors(ManifestStore):
    """key of a text -> the int8 vectors of its evidence sentences, in the picker's order."""

    format_version = FORMAT_VERSION

    def __init__(self, directory: str | os.PathLike[str], fingerprint: str, dim: int = 384) -> None:
        self.dim = dim  # before the base class reads the store: _empty needs it
        super().__init__(directory, fingerprint, RELOAD_EVERY)

    def _empty(self) -> tuple[dict[str, tuple[int, int]], np.ndarray, np.ndarray]:
        """(key -> (first row, rows), int8 matrix, scales) of no text."""
        return {}, np.zeros((0, self.dim), np.int8), np.zeros((0,), np.float32)

    def _read(self, manifest: dict[str, Any]) -> tuple[dict[str, tuple[int, int]], np.ndarray, np.ndarray]:
        where = {key: (int(start), int(count))
                 for key, start, count in zip(manifest["keys"], manifest["starts"], manifest["counts"])}
        return (where, np.load(self.directory / manifest["matrix"], mmap_mode="r"),
                np.load(self.directory / manifest["scales"], mmap_mode="r"))

    def get(self, key: str) -> Entry | None:
        where, matrix, scales = self._data
        found = where.get(key)
        if found is None:
            return None
        start, count = found
        return matrix[start:start + count], scales[start:start + count]

    def similarities(self, key: str, count: int, qv: np.ndarray) -> np.ndarray | None:
        """Each of the `count` sentences stored for `key` compared with `qv` (dot products, in their order);
        None if not stored so."""
        self.reload()
        entry = self.get(key)
        if entry is None or len(entry[0]) != count:
            return None
        rows, scales = entry
        return (rows.astype(np.float32) @ qv) * scales

    def keys(self) -> set[str]:
        return set(self._data[0])

    def write(self, entries: Mapping[str, Entry], replace: bool = False) -> None:
        """Upsert `entries`; with replace=True the store becomes exactly `entries`."""
        with self._lock:
            current: dict[str, Entry] = {} if replace else {key: self.get(key) for key in self.keys()}  # type: ignore[misc]
            current.update(entries)
            keys = list(current)
            counts = [len(current[k][0]) for k in keys]
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int).tolist() if keys else []
            matrix = np.concatenate([current[k][0] for k in keys]) if keys else np.zeros((0, self.dim), np.int8)
            scales = np.concatenate([current[k][1] for k in keys]) if keys else np.zeros((0,), np.float32)
            self._save(keys, starts, counts, matrix, scales)
            self.reload(force=True)

    def _save(self, keys: list[str], starts: list[int], counts: list[int], matrix: np.ndarray,
              scales: np.ndarray) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        generation = f"{os.getpid()}-{np.random.default_rng().integers(1 << 30)}"
        np.save(self.directory / f"matrix-{generation}.npy", matrix.astype(np.int8, copy=False))
        np.save(self.directory / f"scales-{generation}.npy", scales.astype(np.float32, copy=False))
        manifest = {"version": FORMAT_VERSION, "fingerprint": self.fingerprint, "dim": self.dim,
                    "matrix": f"matrix-{generation}.npy", "scales": f"scales-{generation}.npy",
                    "keys": keys, "starts": starts, "counts": counts}
        publish_manifest(self._manifest, manifest,
                         [p for pattern in ("matrix-*.npy", "scales-*.npy") for p in self.directory.glob(pattern)
                          if generation not in p.name])


class SentenceCache:
    """Precomputed sentence vectors keyed like the store (the demo ships one), checked against the fingerprint."""

    def __init__(self, path: str | os.PathLike[str] | None, fingerprint: str) -> None:
        self._entries: dict[str, Entry] = {}
        if path is None or not Path(path).is_file():
            return
        data = np.load(path, allow_pickle=False)
        if str(data["fingerprint"]) != fingerprint:
            return
        matrix, scales, start = data["matrix"], data["scales"], 0
        for key, count in zip(data["keys"].tolist(), data["counts"].tolist()):
            self._entries[str(key)] = (matrix[start:start + count], scales[start:start + count])
            start += count

    def get(self, key: str) -> Entry | None:
        return self._entries.get(key)


def save_cache(path: str | os.PathLike[str], store: SentenceVectors) -> int:
    """Write the store's vectors as a shipped cache (.npz); returns the number of texts."""
    keys = sorted(store.keys())
    entries = [store.get(k) for k in keys]
    counts = [len(e[0]) for e in entries if e is not None]
    np.savez_compressed(path, fingerprint=np.array(store.fingerprint), keys=np.array(keys),
                        counts=np.array(counts, dtype=np.int32),
                        matrix=np.concatenate([e[0] for e in entries if e is not None]),
                        scales=np.concatenate([e[1] for e in entries if e is not None]))
    return len(keys)


def fill(store: SentenceVectors, cache: SentenceCache, items: Iterable[tuple[str, Sequence[str]]],
         encode: Callable[[list[str]], np.ndarray], *, replace: bool = False, threads: int = 2,
         progress: Callable[[int, int], None] | None = None) -> int:
    """Store vectors for every (key, sentences): reused from the store, then the cache, the rest encoded
    (`threads` documents at a time: the query model runs one thread per call and releases the GIL).
    Returns how many texts were encoded."""
    from concurrent.futures import ThreadPoolExecutor

    known = store.keys()
    entries: dict[str, Entry] = {}
    to_encode: list[tuple[str, Sequence[str]]] = []
    seen: set[str] = set()
    for key, sentences in items:
        if key in seen:  # the same text in two documents
            continue
        seen.add(key)
        if key in known:
            if replace:
                entry = store.get(key)
                if entry is not None:
                    entries[key] = (np.array(entry[0]), np.array(entry[1]))
            continue
        cached = cache.get(key)
        if cached is not None and len(cached[0]) == len(sentences):
            entries[key] = cached
        else:
            to_encode.append((key, sentences))
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        done = 0
        for (key, _), vectors in zip(to_encode, pool.map(lambda item: encode(list(item[1])), to_encode)):
            entries[key] = quantize(vectors)
            done += 1
            if progress and (done % 256 == 0 or done == len(to_encode)):
                progress(done, len(to_encode))
    if entries or replace:
        store.write(entries, replace=replace)
    return len(to_encode)

