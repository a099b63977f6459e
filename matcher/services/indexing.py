"""Build the search index and the document vectors from SQL, the source of truth.

`rebuild_index` recreates everything from SQL alone; `index_entities` refreshes what an import
or a researcher's edit touched. Vectors are reused when their text is unchanged, so a rebuild
only encodes new text.
"""
from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import CapabilityEvidence, Document, DocumentEntity, Equipment, InstituteProject, Lab, Organization, Researcher
from matcher.ranking.vectors import VectorCache, VectorStore, text_hash
from matcher.runtime import Runtime
from matcher.types import SearchDocument

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
BATCH = 2000
ENCODE_BATCH = 64


def vector_text(title: str, text: str) -> str:
    """What the sentence encoder sees: the title, then the body (truncated to 256 tokens by the encoder)."""
    return f"{title}. {text}".strip() if text else title


def vector_store(runtime: Runtime) -> VectorStore | None:
    """The runtime's vector store, or None when semantics are off (no model installed or disabled)."""
    encoder = runtime.encoder
    if encoder is None:
        return None
    store = getattr(runtime, "_vector_store", None)
    if store is None:
        store = VectorStore(Path(runtime.settings["INDEX_DIR"]) / "vectors", encoder.fingerprint, encoder.dim)
        runtime._vector_store = store  # type: ignore[attr-defined]
    else:
        store.reload()
    return store


def _regions(session: Session) -> dict[str, str | None]:
    """entity id -> region, through the organisation for people and labs."""
    org_region = dict(session.execute(select(Organization.id, Organization.region)).all())
    regions: dict[str, str | None] = dict(org_region)
    for rid, org in session.execute(select(Researcher.id, Researcher.organization_id)):
        regions[rid] = org_region.get(org) if org else None
    for lid, org in session.execute(select(Lab.id, Lab.organization_id)):
        regions[lid] = org_region.get(org) if org else None
    return regions


def _document_rows(session: Session, doc_ids: Sequence[str] | None) -> Iterator[Document]:
    query = select(Document).order_by(Document.id)
    if doc_ids is not None:
        for start in range(0, len(doc_ids), 500):
            yield from session.scalars(select(Document).where(Document.id.in_(doc_ids[start:start + 500])))
        return
    yield from session.scalars(query.execution_options(yield_per=BATCH))


def _search_documents(session: Session, doc_ids: Sequence[str] | None = None,
                      entity_ids: Sequence[str] | None = None) -> Iterator[SearchDocument]:
    """SearchDocuments for documents (only non-excluded links count), equipment and projects."""
    regions = _regions(session)
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    link_query = select(DocumentEntity.document_id, DocumentEntity.entity_id, DocumentEntity.entity_kind).where(
        DocumentEntity.excluded.is_(False)).order_by(DocumentEntity.document_id, DocumentEntity.position)
    if doc_ids is not None:
        link_query = link_query.where(DocumentEntity.document_id.in_(doc_ids))
    for doc_id, entity_id, kind in session.execute(link_query):
        links[doc_id].append((entity_id, kind))
    caps: dict[str, list[str]] = defaultdict(list)
    cap_query = select(CapabilityEvidence.entity_id, CapabilityEvidence.capability_id).where(
        CapabilityEvidence.source != "keyphrase")
    for holder, cap in session.execute(cap_query):
        caps[holder].append(cap)
    for doc in _document_rows(session, doc_ids):
        entities = links.get(doc.id, [])
        region = next((regions.get(e) for e, _ in entities if regions.get(e)), None)
        yield SearchDocument(id=doc.id, kind=doc.kind, title=doc.title, text=doc.text or "",
                             entity_ids=tuple(e for e, _ in entities), entity_kinds=tuple(k for _, k in entities),
                             capabilities=tuple(dict.fromkeys(caps.get(doc.id, []))), region=region, year=doc.year)
    equipment_query = select(Equipment)
    project_query = select(InstituteProject)
    if entity_ids is not None:
        equipment_query = equipment_query.where(Equipment.id.in_(entity_ids))
        project_query = project_query.where(InstituteProject.id.in_(entity_ids))
    elif doc_ids is not None:
        return
    for eq in session.scalars(equipment_query):
        text = " ".join(p for p in (eq.category, eq.description, eq.facility, eq.access_terms) if p)
        region = eq.region or regions.get(eq.organization_id or "")
        yield SearchDocument(id=eq.id, kind="equipment", title=eq.name, text=text, entity_ids=(eq.id,),
                             entity_kinds=("equipment",), capabilities=tuple(dict.fromkeys(caps.get(eq.id, []))),
                             region=region, status=eq.status)
    for project in session.scalars(project_query):
        text = " ".join(p for p in (project.acronym, project.description, project.programme) if p)
        year = project.start_date.year if project.start_date else None
        yield SearchDocument(id=project.id, kind="project", title=project.title, text=text, entity_ids=(project.id,),
                             entity_kinds=("project",), capabilities=tuple(dict.fromkeys(caps.get(project.id, []))),
                             region=project.region or regions.get(project.institute_id or ""), year=year,
                             status=project.status)


def _attach_vectors(runtime: Runtime, docs: list[SearchDocument], progress: Progress | None = None,
                    replace: bool = False) -> None:
    """Store a vector for every doc: reuse by text hash (store, then shipped cache), encode the rest."""
    store = vector_store(runtime)
    if store is None:
        return
    known = store.known()
    cache = VectorCache(runtime.settings.get("VECTOR_CACHE"), store.fingerprint)
    entries: dict[str, tuple[str, np.ndarray]] = {}
    to_encode: list[tuple[str, str, str]] = []
    for doc in docs:
        text = vector_text(doc.title, doc.text)
        key = text_hash(text)
        if known.get(doc.id) == key:
            if replace:
                vec = store.vector(doc.id)
                if vec is not None:
                    entries[doc.id] = (key, vec)
            continue
        cached = cache.get(key)
        if cached is not None:
            entries[doc.id] = (key, cached)
        else:
            to_encode.append((doc.id, key, text))
    if to_encode:
        log.info("encoding %d documents", len(to_encode))
        encoder = runtime.encoder
        for start in range(0, len(to_encode), 512):
            chunk = to_encode[start:start + 512]
            vectors = encoder.encode([t for _, _, t in chunk], batch_size=ENCODE_BATCH)
            for (doc_id, key, _), vec in zip(chunk, vectors):
                entries[doc_id] = (key, vec)
            if progress:
                progress(min(start + 512, len(to_encode)), len(to_encode))
    if entries or replace:
        store.write(entries, replace=replace)


def rebuild_index(runtime: Runtime, progress: Progress | None = None) -> int:
    """Recreate the search index and vectors from SQL alone; returns the number of documents indexed."""
    with runtime.db.session() as session:
        docs = list(_search_documents(session))
    total = len(docs)
    if progress:
        progress(0, total)
    _attach_vectors(runtime, docs, replace=True)
    count = runtime.search.rebuild(docs)
    if progress:
        progress(total, total)
    return count


def index_entities(runtime: Runtime, entity_ids: Iterable[str]) -> int:
    """Re-index the documents of these entities (after an import or a researcher's edit)."""
    ids = sorted(set(entity_ids))
    if not ids:
        return 0
    with runtime.db.session() as session:
        doc_ids: set[str] = set()
        for start in range(0, len(ids), 500):
            doc_ids.update(session.scalars(select(DocumentEntity.document_id).where(
                DocumentEntity.entity_id.in_(ids[start:start + 500]))))
        docs = list(_search_documents(session, doc_ids=sorted(doc_ids)))
        own = [i for i in ids if i.startswith(("equipment:", "project:"))]
        if own:
            docs += [d for d in _search_documents(session, doc_ids=[], entity_ids=own) if d.kind in ("equipment", "project")]
    _attach_vectors(runtime, docs)
    for start in range(0, len(docs), BATCH):
        runtime.search.upsert(docs[start:start + BATCH])
    return len(docs)


def index_dir_exists(runtime: Runtime) -> bool:
    return os.path.isdir(runtime.settings["INDEX_DIR"])
