"""Document vectors kept beside the search index as .npy + JSON (no pickle), shared by worker processes.

Each vector is stored with the hash of the text it was computed from and the model fingerprint,
so a rebuild re-encodes only what changed and a vector never outlives its text or its model.
Writes replace the files atomically; readers reload when the manifest changes.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

FORMAT_VERSION = 1

log = logging.getLogger(__name__)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class VectorStore:
    """id -> (text hash, unit vector) with a dense matrix for fast similarity."""

    def __init__(self, directory: str | os.PathLike[str], fingerprint: str, dim: int = 384) -> None:
        self.directory = Path(directory)
        self.fingerprint = fingerprint
        self.dim = dim
        self.ids: list[str] = []
        self.hashes: list[str] = []
        self.matrix = np.zeros((0, dim), dtype=np.float32)
        self._row: dict[str, int] = {}
        self._stamp: float | None = None
        self._lock = threading.Lock()
        self.reload()

    @property
    def _manifest(self) -> Path:
        return self.directory / "manifest.json"

    def reload(self) -> None:
        """Load from disk if another process wrote since we last looked."""
        try:
            stamp = self._manifest.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if stamp == self._stamp:
            return
        manifest = json.loads(self._manifest.read_text(encoding="utf-8"))
        if manifest.get("version") != FORMAT_VERSION or manifest.get("fingerprint") != self.fingerprint:
            # Vectors of another model or format are useless: start empty, the next rebuild refills. Said
            # once per process and store (at a worker's warm-up), not left to a vague warning per search.
            log.warning("%s holds %d vectors of another model or format (%s, format %s; this release: %s, "
                        "format %s): they are not used until `flask --app wsgi index rebuild`",
                        self.directory, len(manifest.get("ids") or ()), manifest.get("fingerprint"),
                        manifest.get("version"), self.fingerprint, FORMAT_VERSION)
            self.ids, self.hashes, self.matrix, self._row = [], [], np.zeros((0, self.dim), np.float32), {}
            self._stamp = stamp
            return
        matrix = np.load(self.directory / manifest["matrix"], mmap_mode="r")
        self.ids = list(manifest["ids"])
        self.hashes = list(manifest["hashes"])
        self.matrix = matrix
        self._row = {doc_id: i for i, doc_id in enumerate(self.ids)}
        self._stamp = stamp

    def __len__(self) -> int:
        return len(self.ids)

    def known(self) -> dict[str, str]:
        """id -> text hash of every stored vector."""
        return dict(zip(self.ids, self.hashes))

    def rows(self, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(matrix of the found ids, boolean mask of which ids were found)."""
        get = self._row.get
        rows = np.array([get(doc_id, -1) for doc_id in ids], dtype=np.intp)
        found = rows >= 0
        return np.asarray(self.matrix[rows[found]], dtype=np.float32), found

    def similarities(self, qv: np.ndarray) -> np.ndarray:
        """Every stored vector's dot product with ``qv``, in ``ids`` order."""
        return np.asarray(self.matrix, dtype=np.float32) @ qv

    def vector(self, doc_id: str) -> np.ndarray | None:
        row = self._row.get(doc_id)
        return None if row is None else np.asarray(self.matrix[row], dtype=np.float32)

    def write(self, entries: Mapping[str, tuple[str, np.ndarray]], remove: Iterable[str] = (), replace: bool = False) -> None:
        """Upsert `entries` (id -> (text hash, vector)); with replace=True the store becomes exactly `entries`."""
        with self._lock:
            current: dict[str, tuple[str, np.ndarray]] = {}
            if not replace:
                for i, doc_id in enumerate(self.ids):
                    current[doc_id] = (self.hashes[i], self.matrix[i])
            for doc_id in remove:
                current.pop(doc_id, None)
            current.update(entries)
            ids = list(current)
            matrix = np.zeros((len(ids), self.dim), dtype=np.float32)
            for i, doc_id in enumerate(ids):
                matrix[i] = current[doc_id][1]
            hashes = [current[doc_id][0] for doc_id in ids]
            self._save(ids, hashes, matrix)
            self.reload()

    def _save(self, ids: list[str], hashes: list[str], matrix: np.ndarray) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        generation = f"vectors-{os.getpid()}-{np.random.default_rng().integers(1 << 30)}.npy"
        np.save(self.directory / generation, matrix)
        manifest = {"version": FORMAT_VERSION, "fingerprint": self.fingerprint, "dim": self.dim,
                    "matrix": generation, "ids": ids, "hashes": hashes}
        publish_manifest(self._manifest, manifest, [p for p in self.directory.glob("vectors-*.npy")
                                                    if p.name != generation])


_MEANS: dict[tuple[int, int], np.ndarray] = {}
_MEANS_LOCK = threading.Lock()


def row_sum(matrix: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The float64 sum of `matrix`'s rows (of those at `rows`, when given), a slice at a time: a memory-mapped
    million rows is not copied whole."""
    count = len(matrix) if rows is None else len(rows)
    total = np.zeros(matrix.shape[1], dtype=np.float64)
    for start in range(0, count, 65_536):
        part = matrix[start:start + 65_536] if rows is None else matrix[rows[start:start + 65_536]]
        total += np.asarray(part, dtype=np.float64).sum(axis=0)
    return total


def mean_vector(store: VectorStore) -> np.ndarray:
    """The store's mean document vector (a query's dot product with it is its mean similarity to every
    document), computed once per stored matrix: a rebuild replaces the matrix."""
    key = (id(store.matrix), len(store.matrix))  # a freed matrix's id can come back: its length rarely with it
    with _MEANS_LOCK:
        mean = _MEANS.get(key)
        if mean is None:
            mean = (row_sum(store.matrix) / max(len(store.matrix), 1)).astype(np.float32)
            if len(_MEANS) >= 4:
                _MEANS.clear()
            _MEANS[key] = mean
        return mean


def publish_manifest(path: Path, manifest: dict[str, Any], stale: Iterable[Path]) -> None:
    """Switch readers to a new generation of files at once (the manifest replaced atomically), then delete
    the previous generation's files; one a reader still holds open stays readable until it lets go."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(manifest), encoding="utf-8")
    os.replace(tmp, path)
    for old in stale:
        try:
            old.unlink()
        except OSError:
            pass


class ManifestWatch:
    """Tells a reader when a rebuild has replaced a store's manifest.json (publish_manifest), looking at the
    file at most every ``every`` seconds: a search asks on every request, a stat per request is not free."""

    def __init__(self, directory: Path, every: float) -> None:
        self.path = directory / "manifest.json"
        self.every = every
        self._stamp: int | None = None
        self._checked = 0.0

    def changed(self, force: bool = False) -> dict[str, Any] | None:
        """The manifest when it changed since the last look (``force``: look now), else None."""
        now = time.monotonic()
        if not force and now - self._checked < self.every:
            return None
        self._checked = now
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        if stamp == self._stamp:
            return None
        manifest: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        self._stamp = stamp
        return manifest


class ManifestStore:
    """A store that a rebuild replaces as a whole: files named by its manifest.json, read into one tuple
    (`_data`, its first item the key map) that is swapped at once, so a reader never mixes two rebuilds.

    Subclasses give `_empty()` (no store, or one of another layout) and `_read(manifest)`; a manifest whose
    version or fingerprint differs from theirs reads as empty until the next rebuild.
    """

    format_version: int = 1

    def __init__(self, directory: str | os.PathLike[str], fingerprint: str, every: float) -> None:
        self.directory = Path(directory)
        self.fingerprint = fingerprint
        self._watch = ManifestWatch(self.directory, every)
        self._lock = threading.Lock()
        self._data: Any = self._empty()
        self.reload(force=True)

    def _empty(self) -> Any:
        raise NotImplementedError

    def _read(self, manifest: dict[str, Any]) -> Any:
        raise NotImplementedError

    @property
    def _manifest(self) -> Path:
        return self._watch.path

    def __len__(self) -> int:
        return len(self._data[0])

    def reload(self, force: bool = False) -> None:
        """Re-read the files if a rebuild replaced them (looked at every `every` seconds at most)."""
        manifest = self._watch.changed(force)
        if manifest is None:
            return
        if manifest.get("version") != self.format_version or manifest.get("fingerprint") != self.fingerprint:
            self._data = self._empty()
            return
        self._data = self._read(manifest)

    def _publish_arrays(self, arrays: Mapping[str, np.ndarray], manifest: dict[str, Any]) -> None:
        """Save `arrays` as a new generation of .npy files, name them in the manifest's "files" and publish it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        generation = f"{os.getpid()}-{np.random.default_rng().integers(1 << 30)}"
        files = {name: f"{name}-{generation}.npy" for name in arrays}
        for name, array in arrays.items():
            np.save(self.directory / files[name], array)
        manifest = {"version": self.format_version, "fingerprint": self.fingerprint, **manifest, "files": files}
        publish_manifest(self._manifest, manifest,
                         [p for name in files for p in self.directory.glob(f"{name}-*.npy") if generation not in p.name])


class VectorCache:
    """Precomputed vectors keyed by text hash (the demo ships one), checked against the model fingerprint."""

    def __init__(self, path: str | os.PathLike[str] | None, fingerprint: str) -> None:
        self.vectors: dict[str, np.ndarray] = {}
        if path is None or not Path(path).is_file():
            return
        data = np.load(path, allow_pickle=False)
        if str(data["fingerprint"]) != fingerprint:
            return
        for key, vec in zip(data["hashes"].tolist(), data["vectors"]):
            self.vectors[str(key)] = vec.astype(np.float32)

    def get(self, key: str) -> np.ndarray | None:
        return self.vectors.get(key)


def save_cache(path: str | os.PathLike[str], fingerprint: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
    """Write a vector cache as .npz (float16 keeps the demo small; cosine changes < 1e-3)."""
    np.savez_compressed(path, fingerprint=np.array(fingerprint), hashes=np.array(list(hashes)),
                        vectors=vectors.astype(np.float16))


def fill_store(store: VectorStore, cache: VectorCache, items: Iterable[tuple[str, str]],
               encode: Callable[[list[str]], np.ndarray] | None, *, chunk: int, replace: bool = False,
               progress: Callable[[int, int], None] | None = None) -> int:
    """Store a vector for every (id, text): reused by text hash (the store, then the shipped cache), the
    rest encoded `chunk` texts at a time (none when `encode` is None); returns how many were encoded.

    With `replace` the store keeps only these ids. The MiniLM and the multilingual stores both fill this way.
    """
    known = store.known()
    entries: dict[str, tuple[str, np.ndarray]] = {}
    to_encode: list[tuple[str, str, str]] = []
    for doc_id, text in items:
        key = text_hash(text)
        if known.get(doc_id) == key:
            vec = store.vector(doc_id) if replace else None
            if vec is not None:
                entries[doc_id] = (key, vec)
            continue
        cached = cache.get(key)
        if cached is not None:
            entries[doc_id] = (key, cached)
        else:
            to_encode.append((doc_id, key, text))
    if encode is not None:
        for start in range(0, len(to_encode), chunk):
            part = to_encode[start:start + chunk]
            for (doc_id, key, _), vec in zip(part, encode([t for _, _, t in part])):
                entries[doc_id] = (key, vec)
            if progress:
                progress(min(start + chunk, len(to_encode)), len(to_encode))
    if entries or replace:
        store.write(entries, replace=replace)
    return len(to_encode)
