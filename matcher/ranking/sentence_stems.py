"""Evidence texts' sentence stems, computed when the index is rebuilt instead of while a visitor waits.

A match's evidence is the sentence of a document holding the most distinct stems of the problem
(matcher.ranking.evidence.best_snippet). A worker stemmed every text it had not seen before, ~330 words
and ~150-220 us of CPU each, about 7 texts per cold search page on the demo (the largest part of a cold
page's evidence). The stems do not depend on the problem: `flask index rebuild` stores each text's
sentences as character spans and each sentence's distinct stems as ids into one vocabulary
(``INDEX_DIR/stems``); a page reads a text's sentences and stem sets from them (~20 us) instead. A text is found by the hash of its body, so a changed text is never judged by
old stems: texts imported since the last rebuild (or an index without this store) are stemmed as before,
with the same result.

Layout (JSON + .npy, no pickle): ``manifest.json`` {version, fingerprint, vocabulary, keys, firsts,
counts, files}; ``spans-*.npy`` (sentence start and end in the text), ``bounds-*.npy`` (each sentence's
first stem id position, one past the end last) and ``ids-*.npy`` (the stem ids), memory-mapped.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from matcher.ranking.vectors import ManifestStore

FORMAT_VERSION = 1
STORE_DIR = "stems"
RELOAD_EVERY = 2.0  # seconds between looks whether a rebuild replaced the files


def text_key(text: str) -> str:
    """The key of an evidence text's body (the title is stemmed apart: it is short)."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def fingerprint() -> str:
    """What the stored stems depend on: the evidence module's rules and the stemmer (tantivy's version)."""
    import tantivy

    from matcher.ranking import evidence

    version = getattr(tantivy, "__version__", "")
    return f"stems/{evidence.STEMS_RULES}/{evidence.MAX_SENTENCES}/{version}"


_Data = tuple[dict[str, tuple[int, int]], list[str], np.ndarray, np.ndarray, np.ndarray]


class SentenceStems(ManifestStore):
    """key of a text -> its sentences' spans and distinct stem ids, in the order best_snippet reads them.

    Another stemmer's or layout's stems read as none: texts are stemmed at query time until a rebuild."""

    format_version = FORMAT_VERSION

    def __init__(self, directory: str | os.PathLike[str], fingerprint: str) -> None:
        super().__init__(directory, fingerprint, RELOAD_EVERY)

    def _empty(self) -> _Data:
        return ({}, [], np.zeros((0, 2), np.int32), np.zeros((1,), np.int64), np.zeros((0,), np.int32))

    def _read(self, manifest: dict[str, Any]) -> _Data:
        where = {key: (int(first), int(count))
                 for key, first, count in zip(manifest["keys"], manifest["firsts"], manifest["counts"])}
        files = manifest["files"]
        return (where, list(manifest["vocabulary"]),
                *(np.asarray(np.load(self.directory / files[name], mmap_mode="r"))
                  for name in ("spans", "bounds", "ids")))

    def sentences(self, text: str) -> tuple[tuple[str, frozenset[str]], ...] | None:
        """evidence.sentence_stems(text) as the last rebuild stored it, or None when the text is not stored."""
        self.reload()
        where, vocabulary, spans, bounds, ids = self._data
        found = where.get(text_key(text)) if where else None
        if found is None:
            return None
        first, count = found
        edges = bounds[first:first + count + 1].tolist()
        lo = edges[0]
        stems = list(map(vocabulary.__getitem__, ids[lo:edges[-1]].tolist()))
        return tuple((text[start:end], frozenset(stems[a - lo:b - lo]))
                     for (start, end), a, b in zip(spans[first:first + count].tolist(), edges, edges[1:]))

    def write(self, texts: Iterable[str]) -> int:
        """Replace the store with the stems of these texts (a rebuild); returns how many texts it holds."""
        from matcher.ranking.evidence import sentence_stems

        vocabulary: dict[str, int] = {}
        keys: list[str] = []
        firsts: list[int] = []
        counts: list[int] = []
        spans: list[tuple[int, int]] = []
        bounds: list[int] = [0]
        ids: list[int] = []
        seen: set[str] = set()
        for text in texts:
            key = text_key(text)
            if key in seen:
                continue
            seen.add(key)
            keys.append(key)
            firsts.append(len(spans))
            pieces = sentence_stems(text)
            counts.append(len(pieces))
            cursor = 0
            for sentence, stems in pieces:
                start = text.index(sentence, cursor)  # the pieces follow each other, whitespace between
                cursor = start + len(sentence)
                spans.append((start, cursor))
                ids.extend(sorted(vocabulary.setdefault(s, len(vocabulary)) for s in stems))
                bounds.append(len(ids))
        with self._lock:
            self._save(keys, firsts, counts, list(vocabulary), np.array(spans, dtype=np.int32).reshape(-1, 2),
                       np.array(bounds, dtype=np.int64), np.array(ids, dtype=np.int32))
            self.reload(force=True)
        return len(keys)

    def _save(self, keys: list[str], firsts: list[int], counts: list[int], vocabulary: list[str],
              spans: np.ndarray, bounds: np.ndarray, ids: np.ndarray) -> None:
        self._publish_arrays({"spans": spans, "bounds": bounds, "ids": ids},
                             {"vocabulary": vocabulary, "keys": keys, "firsts": firsts, "counts": counts})
