"""The candidates' query-independent attributes (entity cards, document links and years) held in memory.

Every search scores a few hundred candidates; reading their cards, the links of the documents found by
meaning and the documents' years from SQL took about a fifth of a cold search's CPU, for values that
change only when the store does. They are read once (at warm-up, or on first sight) and kept until the
data generation changes: a stamp file beside the index that every writer of these values touches
(`data_changed`: indexing, imports through it, a researcher's or an administrator's edit). An id never
seen is read from SQL like before, so a value is never missing, only possibly stale between a write and
its stamp, which the writers touch in the same request.

The shown page's document texts and capabilities are kept the same way, at most MAX_TEXTS of them (then
they start over): read at warm-up when every text of the store fits (the demo: 6,758 texts, ~11 MB per
worker), else on first sight. Reading them from SQL was ~1.5 ms of every cold page.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from matcher.repositories import cards as queries
from matcher.types import DocText, EntityCard, entity_kind

STAMP_FILE = "data-generation"
#: Ids kept at most (cards, links and years together; ~250 bytes each): a store of millions of documents
#: starts over when a worker has seen this many, instead of growing without bound.
MAX_KEPT = 600_000
#: Kinds that are their own document: document_links links them to themselves without SQL.
_SELF_LINKED = ("equipment", "project")
#: Document texts (and their capabilities) kept at most: ~2-3 KB each, so tens of MB per worker.
MAX_TEXTS = 20_000


def stamp_path(index_dir: str | os.PathLike[str]) -> Path:
    return Path(index_dir) / STAMP_FILE


def data_changed(index_dir: str | os.PathLike[str]) -> None:
    """Tell every process's attribute cache that entities, documents or links changed (one small write)."""
    path = stamp_path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(f"{os.getpid()} {os.urandom(8).hex()}\n", encoding="utf-8")
    os.replace(tmp, path)  # a new inode: the stamp differs even within the file system's time resolution


class _Generation:
    """What was read under one stamp: entity cards (None: no such entity), document links and years."""

    def __init__(self, stamp: tuple[int, int, int] | None) -> None:
        self.stamp = stamp
        self.cards: dict[str, EntityCard | None] = {}
        #: doc id -> (position of its first counted link, linked entity ids in author order); None: no link
        self.links: dict[str, tuple[int, tuple[str, ...]] | None] = {}
        self.years: dict[str, int | None] = {}
        self.not_documents: set[str] = set()  # ids document_years found no row for
        self.texts: dict[str, DocText | None] = {}  # None: no such document
        self.capabilities: dict[str, dict[str, float]] = {}  # holder -> capability -> weight ({}: none)

    def size(self) -> int:
        return len(self.cards) + len(self.links) + len(self.years) + len(self.not_documents)


class CandidateAttributes:
    """Cards, links and years by id, from memory; what is not there yet is read from SQL and kept."""

    def __init__(self, index_dir: str | os.PathLike[str], max_kept: int = MAX_KEPT, max_texts: int = MAX_TEXTS) -> None:
        self._stamp_path = stamp_path(index_dir)
        self.max_kept = max_kept
        self.max_texts = max_texts
        self._generation = _Generation(self._stamp())
        self._lock = threading.Lock()

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self._stamp_path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _current(self) -> _Generation:
        stamp = self._stamp()
        generation = self._generation
        if stamp != generation.stamp or generation.size() > self.max_kept:
            with self._lock:
                if self._generation.stamp != stamp or self._generation.size() > self.max_kept:
                    self._generation = _Generation(stamp)
                generation = self._generation
        return generation

    def cards(self, session: Session, ids: Iterable[str]) -> dict[str, EntityCard]:
        """Like matcher.repositories.cards.entity_cards: the cards of the ids that exist, in the order of `ids`
        (the ranking's candidates keep theirs)."""
        known = self._current().cards
        wanted = ids if isinstance(ids, list) else list(ids)
        missing = list(dict.fromkeys(i for i in wanted if i not in known))
        if missing:
            found = queries.entity_cards(session, missing)
            for entity_id in missing:
                known[entity_id] = found.get(entity_id)
        return {i: card for i in wanted if (card := known[i]) is not None}

    def links(self, session: Session, doc_ids: Sequence[str]) -> dict[str, list[str]]:
        """Like matcher.repositories.cards.document_links, in the same order: documents by their first link's
        author position (then id, as SQLite returns equal positions), then equipment and projects as given."""
        known = self._current().links
        kinds = list(map(entity_kind, doc_ids))
        documents = [d for d, kind in zip(doc_ids, kinds) if kind == "document"]
        missing = [d for d in documents if d not in known]
        if missing:
            self._read_links(session, missing, known)
        # (position, id) never tie (ids are distinct), so sorting the tuples orders as the key (position, id) did
        found = sorted((entry[0], d, entry[1]) for d in documents if (entry := known[d]) is not None)
        out = {d: list(linked) for _, d, linked in found}
        for d, kind in zip(doc_ids, kinds):
            if kind in _SELF_LINKED:
                out[d] = [d]
        return out

    def years(self, session: Session, doc_ids: Sequence[str]) -> dict[str, int | None]:
        """Like matcher.repositories.cards.document_years: doc id -> year, for the documents that exist."""
        generation = self._current()
        known, absent = generation.years, generation.not_documents
        missing = [d for d in doc_ids if d not in known and d not in absent]
        if missing:
            found = queries.document_years(session, missing)
            known.update(found)
            absent.update(d for d in missing if d not in found)
        return {d: known[d] for d in doc_ids if d in known}

    def texts(self, session: Session, ids: Iterable[str]) -> dict[str, DocText]:
        """Like matcher.repositories.cards.document_texts: title and text of the ids that exist."""
        generation = self._current()
        known = generation.texts
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in known]
        if missing:
            if len(known) + len(missing) > self.max_texts:
                known = generation.texts = {}
            found = queries.document_texts(session, missing)
            for doc_id in missing:
                known[doc_id] = found.get(doc_id)
        return {i: text for i in wanted if (text := known.get(i)) is not None}

    def capabilities(self, session: Session, holder_ids: Sequence[str]) -> dict[str, dict[str, float]]:
        """Like matcher.repositories.cards.capabilities_of: holder -> capability -> weight, for the holders
        with any (the dicts are shared: read them, do not change them)."""
        generation = self._current()
        known = generation.capabilities
        missing = [h for h in dict.fromkeys(holder_ids) if h not in known]
        if missing:
            if len(known) + len(missing) > self.max_texts:
                known = generation.capabilities = {}
            found = queries.capabilities_of(session, missing)
            for holder in missing:
                known[holder] = found.get(holder, {})
        return {h: caps for h in holder_ids if (caps := known.get(h))}

    def prefill(self, session: Session, max_documents: int = 200_000) -> None:
        """Read every entity's card and (up to `max_documents`) every document's links and year at once, and
        every text and its capabilities when they all fit (MAX_TEXTS), so the first searches after start find
        them in memory."""
        generation = self._current()
        entity_ids, doc_ids = queries.entity_and_document_ids(session, max_documents)
        self.cards(session, entity_ids)
        missing = [d for d in doc_ids if d not in generation.links]
        if missing:
            self._read_links(session, missing, generation.links)
        self.years(session, doc_ids)
        holders = [*doc_ids, *(i for i in entity_ids if entity_kind(i) in _SELF_LINKED)]
        if len(holders) <= self.max_texts and len(doc_ids) < max_documents:  # every text fits: read them all
            self.texts(session, holders)
            self.capabilities(session, holders)

    @staticmethod
    def _read_links(session: Session, doc_ids: Sequence[str],
                    known: dict[str, tuple[int, tuple[str, ...]] | None]) -> None:
        read = queries.document_links_with_positions(session, doc_ids)
        for d in doc_ids:
            known[d] = read.get(d)
