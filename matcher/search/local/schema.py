"""The local index's layout: its fields, and how a SearchDocument becomes a tantivy document.

Apart from the backend (opening, locking, searching, writing) because this is what a schema version
names: changing anything here means bumping SCHEMA_VERSION, after which an older index must be rebuilt.
"""
from __future__ import annotations

import tantivy

from ...types import SearchDocument
from ..base import KEYWORD_FIELDS, document_length
from .analysis import prepare, shingles

#: Bump when the schema or analysis changes; older indexes then need ``flask index rebuild``.
SCHEMA_VERSION = 6
TEXT_TOKENIZER = "en_stem"
#: Word bigrams (stop words removed, stemmed) are indexed pre-computed in their own field with a
#: whitespace tokenizer: phrase evidence ("tooling composite") at the cost of plain term queries.
SHINGLE_FIELD = "shingles"
SHINGLE_TOKENIZER = "whitespace"
#: Stored so a Hit can be built without SQL; title and text are not stored (SQL has them).
STORED_FIELDS = frozenset({"id", "kind", "entity_ids", "length", "year"})


def build_schema() -> tantivy.Schema:
    """The index layout; changing it means bumping SCHEMA_VERSION."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, stored=name in STORED_FIELDS, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("year", stored=True, indexed=True, fast=True)
    builder.add_integer_field("length", stored=True, indexed=False, fast=False)
    builder.add_text_field("title", stored=False, tokenizer_name=TEXT_TOKENIZER, index_option="position")
    builder.add_text_field("text", stored=False, tokenizer_name=TEXT_TOKENIZER, index_option="position")
    builder.add_text_field(SHINGLE_FIELD, stored=False, tokenizer_name=SHINGLE_TOKENIZER, index_option="freq")
    return builder.build()


def to_tantivy_document(doc: SearchDocument, bigrams: bool = True) -> tantivy.Document:
    """Field by field with typed adders (the Document(**kwargs) path mishandles integers)."""
    if not doc.id:
        raise ValueError("a SearchDocument needs a non-empty id")
    out = tantivy.Document()
    out.add_text("id", doc.id)
    out.add_text("kind", doc.kind)
    out.add_text("visibility", doc.visibility)
    for name, values in (
        ("entity_ids", doc.entity_ids),
        ("entity_kinds", doc.entity_kinds),
        ("capabilities", doc.capabilities),
        ("names", doc.names),
    ):
        for value in values:
            out.add_text(name, value)
    for name, value in (("region", doc.region), ("country", doc.country), ("status", doc.status)):
        if value is not None:
            out.add_text(name, value)
    if doc.year is not None:
        out.add_integer("year", int(doc.year))
    out.add_integer("length", document_length(doc))
    title, text = prepare(doc.title or ""), prepare(doc.text or "")
    out.add_text("title", title)
    out.add_text("text", text)
    pairs = shingles(title, prepared=True) + shingles(text, prepared=True) if bigrams else []
    if pairs:
        out.add_text(SHINGLE_FIELD, " ".join(pairs))
    return out
