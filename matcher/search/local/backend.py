"""A tantivy index on disk: the default backend, fast enough for a million documents on a laptop.

Multi-process story (gunicorn workers, a CLI, the ingest job all open the same INDEX_DIR):

* Tantivy allows one IndexWriter per directory, guarded by a lock file shared across
  processes. A backend therefore never keeps a writer: each write call (upsert, delete,
  clear, rebuild) acquires the writer, commits, waits for merges and releases it. When
  another process holds the lock the call retries with back-off for ``writer_timeout``
  seconds, then raises BackendUnavailable rather than losing the write. Inside a process a
  threading lock serialises writers.
* Readers are cheap. Before each search the backend stats ``meta.json`` (tantivy replaces
  it atomically on every commit) and calls ``Index.reload()`` when it changed, so every
  process sees another process's commit on its next query; the writing process reloads
  right after committing.
* The schema version (schema.py) lives in ``innobridge-index.json`` beside the index (JSON, no pickle).
  A different version raises RebuildRequired; ``rebuild()`` then recreates the index.

User text never reaches tantivy's query parser: the query is a programmatic disjunction of
term queries over the tokens produced by the same analyser the fields use, and filters are
term/range queries, so punctuation such as ``title:x AND (`` is just text.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import tantivy

from ...types import Filter, Hit, SearchDocument
from ..base import DEFAULT_FILTER, BackendUnavailable, RebuildRequired, fill
from . import ids as ids_in_index
from .analysis import query_shingles, query_terms
from .queries import MAX_NAME_TERMS, Snapshot, any_of, filter_clauses, rarest_terms, text_query, top_hits
from .schema import SCHEMA_VERSION, TEXT_TOKENIZER, build_schema, to_tantivy_document

VERSION_FILE = "innobridge-index.json"
#: Writer memory for a full rebuild: a segment is written each time a thread's share fills up, and every
#: query pays per segment (200k documents: 13 segments at 64 MB, 2 at 1 GB, searches ~30% faster, the
#: rebuild itself faster too). Only a rebuild uses it; incremental writes keep ``writer_heap``.
REBUILD_WRITER_HEAP = 1_000_000_000

#: Common terms are left out of a query (common_term_fraction) only when this many distinctive ones remain.
MIN_DISTINCTIVE_TERMS = 5

class LocalBackend:
    """SearchBackend over a tantivy index directory; safe to share between processes."""

    name = "local"
    #: search() ignores ``vector``: callers need not wait for the query's encoding to search.
    uses_query_vector = False

    def __init__(self, index_dir: str | os.PathLike[str], *, writer_timeout: float = 30.0,
                 writer_heap: int = 64_000_000, rebuild_heap: int = REBUILD_WRITER_HEAP, bigrams: bool = True,
                 common_term_fraction: float | None = None, max_query_terms: int | None = None) -> None:
        """``bigrams``: index and query word bigrams. ``common_term_fraction``: leave out of each query
        the terms held by more than this fraction of the documents (see _without_common_terms).
        ``max_query_terms``: then keep at most this many terms, those held by the fewest documents."""
        self.index_dir = Path(index_dir)
        self.bigrams = bigrams
        self.common_term_fraction = common_term_fraction
        self.max_query_terms = max_query_terms
        self.writer_timeout = writer_timeout
        self.writer_heap = writer_heap
        self.rebuild_heap = max(writer_heap, rebuild_heap)
        self._index: tantivy.Index | None = None
        self._schema: tantivy.Schema | None = None
        self._meta_stamp: tuple[int, int, int] | None = None
        self._snapshot: Snapshot | None = None
        self._open_lock = threading.Lock()
        self._write_lock = threading.Lock()
        # Once an index was opened here, one that vanishes is refused, not recreated empty (rebuild may).
        self._opened_once = False
        self._rebuilding = False

    # ----------------------------------------------------------------- opening
    def _version_path(self) -> Path:
        return self.index_dir / VERSION_FILE

    def _open(self) -> tantivy.Index:
        """Open or create the index on first use; refuse an index of another schema version."""
        if self._index is not None:
            return self._index
        with self._open_lock:
            if self._index is None:
                try:
                    self._index = self._open_or_create()
                except (OSError, ValueError) as exc:
                    raise BackendUnavailable(f"cannot open the search index in {self.index_dir}: {exc}") from exc
                self._schema = self._index.schema
            return self._index

    def _open_or_create(self) -> tantivy.Index:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        version_path = self._version_path()
        has_index = tantivy.Index.exists(str(self.index_dir))
        if not has_index and self._opened_once and not self._rebuilding:
            raise BackendUnavailable(f"the search index in {self.index_dir} has gone missing; "
                                     "run `flask --app wsgi index rebuild`")
        if version_path.exists():
            found = json.loads(version_path.read_text(encoding="utf-8")).get("schema_version")
            if found != SCHEMA_VERSION:
                raise RebuildRequired(
                    f"the search index in {self.index_dir} has schema version {found}, this release needs "
                    f"{SCHEMA_VERSION}: run `flask index rebuild`"
                )
        elif has_index:
            raise RebuildRequired(
                f"{self.index_dir} holds a tantivy index without {VERSION_FILE}: run `flask index rebuild`"
            )
        index = tantivy.Index(build_schema(), path=str(self.index_dir), reuse=True)
        if not version_path.exists():
            self._write_version_file()
        self._opened_once = True
        return index

    def _write_version_file(self) -> None:
        payload = {
            "schema_version": SCHEMA_VERSION,
            "engine": "tantivy",
            "text_tokenizer": TEXT_TOKENIZER,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        tmp = self._version_path().with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self._version_path())

    @property
    def schema(self) -> tantivy.Schema:
        self._open()
        assert self._schema is not None
        return self._schema

    # ----------------------------------------------------------------- reading
    def _stat_meta(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.index_dir / "meta.json")
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def reload(self) -> None:
        """Pick up commits made by any process (cheap when nothing changed: one stat call)."""
        index = self._open()
        stamp = self._stat_meta()
        if stamp != self._meta_stamp:
            index.reload()
            self._snapshot = None
            self._meta_stamp = stamp

    def _current(self) -> Snapshot:
        """The searcher of the latest commit, reused until the next one; an index that went missing or
        unreadable while serving is BackendUnavailable (a 503), not a crash."""
        try:
            self.reload()
            snapshot = self._snapshot
            if snapshot is None:
                snapshot = self._snapshot = Snapshot(self._open().searcher())
        except (OSError, ValueError) as exc:
            self.close()
            raise BackendUnavailable(f"cannot read the search index in {self.index_dir}: {exc}") from exc
        return snapshot

    def _searcher(self) -> tantivy.Searcher:
        return self._current().searcher

    def prefill_fields(self) -> int:
        """Keep every hit's stored fields of the current searcher in memory now (a worker's warm-up): see
        queries.Snapshot.prefill. A commit starts a new searcher, which reads them as searches find them."""
        return self._current().prefill()

    def search(
        self,
        query: str,
        filters: Filter | None = None,
        top_k: int = 100,
        vector: Sequence[float] | None = None,
    ) -> list[Hit]:
        """BM25 over title, text and (if indexed) word bigrams; ``vector`` is ignored (ranking does semantics)."""
        terms = query_terms(query)
        if not terms or top_k <= 0:
            return []
        snapshot = self._current()
        if self.common_term_fraction is not None:
            terms = self._without_common_terms(snapshot.searcher, terms)
        if self.max_query_terms is not None and len(terms) > self.max_query_terms:
            terms = rarest_terms(snapshot.searcher, terms, self.max_query_terms)
        pairs = query_shingles(query) if self.bigrams else []
        clauses = [(tantivy.Occur.Must, text_query(self.schema, terms, pairs))]
        clauses.extend(filter_clauses(self.schema, filters or DEFAULT_FILTER, snapshot))
        return top_hits(snapshot, tantivy.Query.boolean_query(clauses), top_k)

    def _without_common_terms(self, searcher: tantivy.Searcher, terms: list[str]) -> list[str]:
        """The terms of a problem text that are in at most common_term_fraction of the documents' texts,
        if at least MIN_DISTINCTIVE_TERMS of them occur at all; otherwise all ``terms``.

        A common term adds little to BM25 (idf below ln 10 at 10%) but its postings are the longest: at
        1M documents they were most of a search's cost (60-word problems: p50 28 -> 7 ms). Documents that
        share only such words with a long problem are poor candidates anyway (sbir-firms nDCG@10 +0.003).
        A short query ("laser welding") keeps every word: there each one matters, and it is cheap.
        """
        limit = (self.common_term_fraction or 0.0) * searcher.num_docs
        distinctive = [t for t in terms if 0 < searcher.doc_freq("text", t) <= limit]
        return distinctive if len(distinctive) >= MIN_DISTINCTIVE_TERMS else terms

    def name_matches(self, phrases: Sequence[str], filters: Filter | None = None, top_k: int = 100) -> list[Hit]:
        """Documents whose names field holds one of the phrases, looked up exactly (no query parsing): a union
        of term queries (a term set walked the names' dictionary, ~0.17 ms a search page against ~0.06), a term
        set only past MAX_NAME_TERMS phrases."""
        wanted = [p for p in dict.fromkeys(phrases) if p]
        if not wanted or top_k <= 0:
            return []
        names = any_of(self.schema, "names", wanted, max_terms=MAX_NAME_TERMS)
        clauses = [(tantivy.Occur.Must, tantivy.Query.const_score_query(names, 1.0))]
        clauses.extend(filter_clauses(self.schema, filters or DEFAULT_FILTER))
        return top_hits(self._current(), tantivy.Query.boolean_query(clauses), top_k)

    def count(self, filters: Filter | None = None) -> int:
        """Documents passing the filter; ``None`` means ``Filter()`` (public only)."""
        clauses = [(tantivy.Occur.Must, tantivy.Query.all_query())]
        clauses.extend(filter_clauses(self.schema, filters or DEFAULT_FILTER))
        result = self._searcher().search(tantivy.Query.boolean_query(clauses), 1, count=True)
        return int(result.count or 0)

    def present_ids(self, ids: Sequence[str]) -> set[str]:
        """The ids among `ids` that the index holds (see ids.py)."""
        return ids_in_index.present_ids(self._searcher(), self.schema, ids)

    def all_ids(self) -> set[str]:
        return ids_in_index.all_ids(self._searcher())

    def health(self) -> dict[str, Any]:
        """Open the index and report its size; raises BackendUnavailable / RebuildRequired."""
        searcher = self._searcher()
        return {
            "backend": self.name,
            "status": "ok",
            "index_dir": str(self.index_dir),
            "schema_version": SCHEMA_VERSION,
            "documents": int(searcher.num_docs),
            "segments": int(searcher.num_segments),
        }

    # ----------------------------------------------------------------- writing
    def _acquire_writer(self, index: tantivy.Index, heap: int | None = None) -> tantivy.IndexWriter:
        """Take the directory's writer lock, waiting while another process holds it."""
        deadline = time.monotonic() + self.writer_timeout
        delay = 0.02
        while True:
            try:
                return index.writer(heap_size=heap or self.writer_heap)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise BackendUnavailable(
                        f"the search index in {self.index_dir} is locked by another writer "
                        f"for more than {self.writer_timeout:g}s"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    @contextmanager
    def _writing(self, heap: int | None = None) -> Iterator[tantivy.IndexWriter]:
        """One writer session: the caller writes, then commit (durable), merge, release the lock, reload."""
        with self._write_lock:
            index = self._open()
            try:
                writer = self._acquire_writer(index, heap)
            except (OSError, ValueError) as exc:
                self.close()
                raise BackendUnavailable(f"cannot write the search index in {self.index_dir}: {exc}") from exc
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                writer.wait_merging_threads()
                raise
            writer.wait_merging_threads()  # finishes merges and releases the lock
            self._snapshot = None
            self.reload()

    def _write(self, apply: Callable[[tantivy.IndexWriter], None], heap: int | None = None) -> None:
        with self._writing(heap) as writer:
            apply(writer)

    def upsert(self, docs: Sequence[SearchDocument]) -> None:
        """Delete-by-id then add, in one commit; the last copy of a repeated id wins."""
        if not docs:
            return
        prepared = [(doc.id, to_tantivy_document(doc, self.bigrams)) for doc in docs]

        def apply(writer: tantivy.IndexWriter) -> None:
            for doc_id, document in prepared:
                writer.delete_documents_by_term("id", doc_id)
                writer.add_document(document)

        self._write(apply)

    def delete(self, ids: Sequence[str]) -> None:
        """Delete by id term in one commit; unknown ids are no-ops."""
        if not ids:
            return

        def apply(writer: tantivy.IndexWriter) -> None:
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)

        self._write(apply)

    def clear(self) -> None:
        """Remove every document in one commit; readers see old content until it lands."""
        self._write(lambda writer: writer.delete_all_documents())

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Replace everything in a single commit, so readers switch atomically from old to new.

        When the stored index has another schema version the directory's index files are
        removed first (stop the web workers for that: they hold the old files open).
        """
        return fill(self.rebuilding(), docs)

    @contextmanager
    def rebuilding(self) -> Iterator[Callable[[SearchDocument], None]]:
        """rebuild() as a context: documents added inside replace everything at the commit on exit."""
        self._rebuilding = True
        try:
            try:
                self._open().searcher()  # a truncated segment fails here, not at open
            except (BackendUnavailable, OSError, ValueError):
                self._remove_index_files()  # another schema version, corrupted or gone: start afresh
            with self._writing(self.rebuild_heap) as writer:
                writer.delete_all_documents()
                yield lambda doc: writer.add_document(to_tantivy_document(doc, self.bigrams))
        finally:
            self._rebuilding = False

    def drop(self) -> None:
        """Delete the index files (the directory stays); refuses a directory that is not an index."""
        self._remove_index_files()

    def _remove_index_files(self) -> None:
        """Delete tantivy's files and the version file, only in a directory that is an index."""
        directory = self.index_dir
        if not directory.exists():
            self.close()
            return
        if not ((directory / "meta.json").exists() or self._version_path().exists()):
            raise BackendUnavailable(f"{directory} does not look like a search index; refusing to empty it")
        for entry in directory.iterdir():
            if entry.is_file():
                entry.unlink()
        with self._open_lock:
            self._index = None
            self._schema = None
            self._meta_stamp = None
            self._snapshot = None

    def close(self) -> None:
        """Drop the reader; no writer is ever held between calls."""
        with self._open_lock:
            self._index = None
            self._schema = None
            self._meta_stamp = None
            self._snapshot = None
