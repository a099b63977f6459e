"""StoreWriter._insert sends plain rows through the driver on SQLite: the stored values must be those of
Core's executemany (JSON text, timestamps, booleans, NULLs), and rows it cannot send plainly go through Core."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, text

from indexers.writer import StoreWriter, _plain_rows
from matcher.models import Document, DocumentEntity, Researcher


def _document(doc_id: str) -> dict[str, Any]:
    return {"id": doc_id, "kind": "publication", "title": "Laser welding — 레이저", "text": "", "year": None,
            "venue": None, "doi": "10.1/x", "url": None, "source": "publication",
            "extra": {"topics": ["a", "é"], "openalex_id": None, "n": 1.5}, "content_hash": "abc",
            "created_at": datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)}


def _link(doc_id: str, excluded: bool) -> dict[str, Any]:
    return {"document_id": doc_id, "entity_id": f"researcher:{int(excluded)}", "entity_kind": "researcher", "position": 0,
            "role": None, "excluded": excluded}


def test_plain_inserts_store_what_core_stores(runtime) -> None:  # type: ignore[no-untyped-def]
    with runtime.db.session() as session:
        StoreWriter(session)._insert(Document, [_document("doc:plain")])
        session.connection().execute(Document.__table__.insert(), [_document("doc:core")])
        StoreWriter(session)._insert(DocumentEntity, [_link("doc:plain", True), _link("doc:plain", False)])
        session.connection().execute(DocumentEntity.__table__.insert(),
                                     [_link("doc:core", True), _link("doc:core", False)])
    with runtime.db.session() as session:
        docs = {row[0]: row[1:] for row in session.execute(text(
            "SELECT id, kind, title, text, year, venue, doi, url, source, extra, content_hash, created_at "
            "FROM documents ORDER BY id"))}
        links = {doc: [row for row in session.execute(text(
            "SELECT entity_id, entity_kind, position, role, excluded FROM document_entities "
            "WHERE document_id = :d ORDER BY id"), {"d": doc})] for doc in docs}
        loaded = session.scalars(select(Document).where(Document.id == "doc:plain")).one()
    assert docs["doc:plain"] == docs["doc:core"]
    assert links["doc:plain"] == links["doc:core"] and len(links["doc:plain"]) == 2
    assert loaded.extra == {"topics": ["a", "é"], "openalex_id": None, "n": 1.5}
    assert loaded.created_at.replace(tzinfo=timezone.utc) == datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)


def test_rows_missing_a_defaulted_column_or_differing_in_keys_are_not_plain() -> None:
    table = Document.__table__
    row = _document("d")
    assert _plain_rows(table, tuple(row), [row])
    without_date = {k: v for k, v in row.items() if k != "created_at"}
    assert not _plain_rows(table, tuple(without_date), [without_date])  # created_at has a default to compute
    assert not _plain_rows(table, tuple(row), [row, without_date])
    assert not _plain_rows(Researcher.__table__, ("id", "name"), [{"id": "r", "name": "n"}])
