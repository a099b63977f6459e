"""Build the search index and the document vectors from SQL, the source of truth.

`rebuild_index` recreates everything from SQL alone; `index_entities` refreshes what an import
or a researcher's edit touched. Vectors are reused when their text is unchanged, so a rebuild
only encodes new text.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

from sqlalchemy.orm import Session

from matcher.korean import has_hangul
from matcher.embeddings.multilingual_store import attach_multilingual_vectors
from matcher.models import Document, Lab, Organization, Researcher
from matcher.ranking import crosslang
from matcher.ranking.grounding import evidence_sentences
from matcher.ranking.names import mention_key
from matcher.ranking.sentence_vectors import SentenceCache, evidence_key, fill as fill_sentences
from matcher.ranking.term_vectors import document_text
from matcher.ranking.vectors import VectorCache, fill_store
from matcher.repositories import capabilities as capability_queries
from matcher.repositories import documents as document_queries
from matcher.repositories.cards import document_texts, entity_cards
from matcher.repositories import network as network_queries
from matcher.runtime import Runtime
from matcher.types import ENTITY_PROFILE_KIND, PROFILED_ENTITY_KINDS, DocText, SearchDocument, profile_id

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
BATCH = 2000
ENCODE_BATCH = 64


def vector_text(title: str, text: str) -> str:
    """What the sentence encoder sees: the title, then the body (truncated to 256 tokens by the encoder)."""
    return f"{title}. {text}".strip() if text else title


def _regions(session: Session) -> dict[str, str | None]:
    """entity id -> region, through the organisation for people and labs."""
    return network_queries.entity_regions(session)


def _mention_keys(session: Session) -> dict[str, str]:
    """entity id -> the key that names it in running text (matcher.ranking.names), where it has one."""
    keys: dict[str, str] = {}
    for model, person in ((Organization, False), (Lab, False), (Researcher, True)):
        for entity_id, name in network_queries.names(session, model):
            key = mention_key(name or "", person=person)
            if key:
                keys[entity_id] = key
    return keys


def _korean_names(session: Session, ids: Sequence[str] | None = None) -> dict[str, tuple[str, ...]]:
    """organisation id -> its names in Hangul (kept in extra["aliases"] by the importer), so a profile is
    found by a Korean name even when all its evidence is English."""
    out: dict[str, tuple[str, ...]] = {}
    for oid, extra in network_queries.organization_extras(session, ids):
        names = tuple(a for a in (extra or {}).get("aliases", ()) if has_hangul(a))
        if names:
            out[oid] = names
    return out


def _document_rows(session: Session, doc_ids: Sequence[str] | None) -> Iterator[Document]:
    return document_queries.documents_by_id(session, doc_ids, BATCH)


def _search_documents(session: Session, doc_ids: Sequence[str] | None = None,
                      entity_ids: Sequence[str] | None = None) -> Iterator[SearchDocument]:
    """SearchDocuments for documents (only non-excluded links count), equipment and projects."""
    regions = _regions(session)
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for doc_id, entity_id, kind in document_queries.counted_links(session, doc_ids):
        links[doc_id].append((entity_id, kind))
    caps: dict[str, list[str]] = defaultdict(list)
    for holder, cap in capability_queries.holder_capability_pairs(session):
        caps[holder].append(cap)
    profiles = _ProfileBuilder(regions, _mention_keys(session), _korean_names(session)) if doc_ids is None else None
    for doc in _document_rows(session, doc_ids):
        entities = links.get(doc.id, [])
        region = next((regions.get(e) for e, _ in entities if regions.get(e)), None)
        search_doc = SearchDocument(id=doc.id, kind=doc.kind, title=doc.title,
                                    text=crosslang.indexed_text(doc.title, doc.text or ""),
                                    entity_ids=tuple(e for e, _ in entities), entity_kinds=tuple(k for _, k in entities),
                                    capabilities=tuple(dict.fromkeys(caps.get(doc.id, []))), region=region,
                                    year=doc.year, visibility=_visibility(doc))
        if profiles is not None:
            profiles.add(search_doc)
        yield search_doc
    if profiles is not None:
        yield from profiles.build()
    if entity_ids is None and doc_ids is not None:
        return
    for eq in document_queries.equipment_rows(session, entity_ids):
        text = " ".join(p for p in (eq.category, eq.description, eq.facility, eq.access_terms) if p)
        text = crosslang.indexed_text(eq.name, text)
        region = eq.region or regions.get(eq.organization_id or "")
        yield SearchDocument(id=eq.id, kind="equipment", title=eq.name, text=text, entity_ids=(eq.id,),
                             entity_kinds=("equipment",), capabilities=tuple(dict.fromkeys(caps.get(eq.id, []))),
                             region=region, status=eq.status)
    for project in document_queries.project_rows(session, entity_ids):
        text = " ".join(p for p in (project.acronym, project.description, project.programme) if p)
        text = crosslang.indexed_text(project.title, text)
        year = project.start_date.year if project.start_date else None
        yield SearchDocument(id=project.id, kind="project", title=project.title, text=text, entity_ids=(project.id,),
                             entity_kinds=("project",), capabilities=tuple(dict.fromkeys(caps.get(project.id, []))),
                             region=project.region or regions.get(project.institute_id or ""), year=year,
                             status=project.status)


def _visibility(doc: Document) -> str:
    return str(getattr(doc, "visibility", None) or "public")


class _ProfileBuilder:
    """Collects each researcher's, lab's and organisation's counted documents into one profile document.

    Titles and texts go into the one text field: BM25 with a separate title field (whose length
    statistics come from single documents) ranked profiles worse (sbir-firms nDCG@10 -0.013).
    """

    def __init__(self, regions: dict[str, str | None], names: dict[str, str],
                 korean_names: dict[str, tuple[str, ...]] | None = None) -> None:
        self.regions = regions
        self.names = names
        self.korean_names = korean_names or {}
        self.titles: dict[str, list[str]] = defaultdict(list)
        self.texts: dict[str, list[str]] = defaultdict(list)
        self.caps: dict[str, dict[str, None]] = defaultdict(dict)
        self.kinds: dict[str, str] = {}
        self.years: dict[str, int] = {}

    def add(self, doc: SearchDocument) -> None:
        if doc.visibility != "public":
            return
        for entity_id, kind in zip(doc.entity_ids, doc.entity_kinds):
            if kind not in PROFILED_ENTITY_KINDS:
                continue
            self.kinds[entity_id] = kind
            self.titles[entity_id].append(doc.title)
            if doc.text:
                self.texts[entity_id].append(doc.text)
            self.caps[entity_id].update(dict.fromkeys(doc.capabilities))
            if doc.year:
                self.years[entity_id] = max(doc.year, self.years.get(entity_id, 0))

    def build(self) -> Iterator[SearchDocument]:
        for entity_id, kind in self.kinds.items():
            yield SearchDocument(id=profile_id(entity_id), kind=ENTITY_PROFILE_KIND,
                                 title="", text=" \n ".join([" . ".join(self.titles[entity_id]), *self.texts[entity_id],
                                                              *self.korean_names.get(entity_id, ())]),
                                 entity_ids=(entity_id,), entity_kinds=(kind,), capabilities=tuple(self.caps[entity_id]),
                                 region=self.regions.get(entity_id), year=self.years.get(entity_id),
                                 names=(self.names[entity_id],) if entity_id in self.names else ())


def _profile_documents(session: Session, entity_ids: Sequence[str]) -> tuple[list[SearchDocument], list[str]]:
    """Fresh profiles of these entities from SQL, and the profile ids to delete (no counted documents left)."""
    wanted = sorted({e for e in entity_ids if e.split(":", 1)[0] in PROFILED_ENTITY_KINDS})
    if not wanted:
        return [], []
    doc_ids: set[str] = set()
    doc_ids.update(document_queries.document_ids_of(session, wanted, counted_only=True))
    cards = entity_cards(session, wanted)
    keys = {i: mention_key(c.name, person=c.kind == "researcher") for i, c in cards.items()}
    builder = _ProfileBuilder({i: c.region for i, c in cards.items()}, {i: k for i, k in keys.items() if k},
                              _korean_names(session, [i for i in wanted if i.startswith("organization:")]))
    keep = set(wanted)
    for doc in _search_documents(session, doc_ids=sorted(doc_ids)):
        if doc.kind in ("equipment", "project"):
            continue
        pairs = [(e, k) for e, k in zip(doc.entity_ids, doc.entity_kinds) if e in keep]
        if pairs:
            builder.add(SearchDocument(id=doc.id, kind=doc.kind, title=doc.title, text=crosslang.indexed_text(doc.title, doc.text or ""),
                                       entity_ids=tuple(e for e, _ in pairs), entity_kinds=tuple(k for _, k in pairs),
                                       capabilities=doc.capabilities, year=doc.year, visibility=doc.visibility))
    profiles = list(builder.build())
    built = {p.entity_ids[0] for p in profiles}
    return profiles, [profile_id(e) for e in wanted if e not in built]


def _attach_vectors(runtime: Runtime, docs: list[SearchDocument], progress: Progress | None = None,
                    replace: bool = False) -> None:
    """Store a vector for every doc: reuse by text hash (store, then shipped cache), encode the rest."""
    store, encoder = runtime.vectors, runtime.encoder
    if store is None or encoder is None:  # semantics off: no vectors to keep
        return
    cache = VectorCache(runtime.settings.get("VECTOR_CACHE"), store.fingerprint)
    # profiles are scored lexically; their documents carry the vectors
    items = [(doc.id, vector_text(doc.title, doc.text)) for doc in docs if doc.kind != ENTITY_PROFILE_KIND]
    encoded = fill_store(store, cache, items, lambda texts: encoder.encode(texts, batch_size=ENCODE_BATCH),
                         chunk=512, replace=replace, progress=progress)
    if encoded:
        log.info("encoded %d documents", encoded)


def _evidence_texts(runtime: Runtime, doc_ids: Sequence[str]) -> list[DocText]:
    """The texts a page shows as evidence (document_texts), read once for both sentence stores."""
    texts: list[DocText] = []
    with runtime.db.session() as session:
        for start in range(0, len(doc_ids), BATCH):
            texts.extend(document_texts(session, doc_ids[start:start + BATCH]).values())
    return texts


def _attach_sentence_vectors(runtime: Runtime, texts: Sequence[DocText], progress: Progress | None = None) -> None:
    """Store the vectors of every document's evidence sentences (matcher.ranking.sentence_vectors), so a
    search page picks a sentence by meaning without encoding; `texts` is empty above SENTENCE_VECTORS_MAX_DOCS
    documents (12-110 ms of CPU each to encode; sentences are then encoded when a page needs them, as before)."""
    store, encoder = runtime.sentence_vectors, runtime.encoder
    if store is None or encoder is None:
        return
    items: list[tuple[str, tuple[str, ...]]] = []
    for doc in texts:
        sentences = evidence_sentences(doc.title, doc.text)
        if len(sentences) > 1:  # a single sentence is shown without comparing
            items.append((evidence_key(doc.title, doc.text), sentences))
    cache = SentenceCache(runtime.settings.get("SENTENCE_VECTOR_CACHE"), store.fingerprint)
    encoded = fill_sentences(store, cache, items, encoder.encode_queries, replace=True, progress=progress)
    if encoded:
        log.info("encoded the evidence sentences of %d documents", encoded)


def _attach_sentence_stems(runtime: Runtime, texts: Sequence[DocText]) -> None:
    """Store the word stems of every evidence text's sentences (matcher.ranking.sentence_stems), so a search
    page does not stem a text it shows for the first time; `texts` is empty above SENTENCE_STEMS_MAX_DOCS
    documents (the store is then emptied and pages stem as before)."""
    runtime.sentence_stems.write([doc.text for doc in texts])


def _within(runtime: Runtime, setting: str, default: int, count: int) -> bool:
    """Whether `count` documents are few enough for a store limited by `setting` (0: off)."""
    return count <= int(runtime.settings.get(setting, default) or 0)


def rebuild_index(runtime: Runtime, progress: Progress | None = None,
                  encode_progress: Progress | None = None) -> int:
    """Recreate the search index and vectors from SQL alone; returns the number of documents indexed.

    `encode_progress(done, total)` follows the sentence encoder over the documents whose text has no
    stored or shipped vector yet (the slow part of a first rebuild).
    """
    with runtime.db.session() as session:
        docs = list(_search_documents(session))
    total = len(docs)
    if progress:
        progress(0, total)
    _attach_vectors(runtime, docs, progress=encode_progress, replace=True)
    attach_multilingual_vectors(runtime, docs, progress=encode_progress, replace=True)
    evidence_ids = [d.id for d in docs if d.kind != ENTITY_PROFILE_KIND]
    with_vectors = _within(runtime, "SENTENCE_VECTORS_MAX_DOCS", 20_000, len(evidence_ids))
    with_stems = _within(runtime, "SENTENCE_STEMS_MAX_DOCS", 100_000, len(evidence_ids))
    texts = _evidence_texts(runtime, evidence_ids) if with_vectors or with_stems else []
    _attach_sentence_vectors(runtime, texts if with_vectors else [], encode_progress)
    _attach_sentence_stems(runtime, texts if with_stems else [])
    with_terms = _within(runtime, "TERM_VECTORS_MAX_DOCS", 2_000_000, len(evidence_ids))  # else: emptied
    runtime.term_vectors.write(((d.id, document_text(d.title, d.text)) for d in docs
                                if d.kind != ENTITY_PROFILE_KIND) if with_terms else ())
    count = runtime.search.rebuild(docs)
    runtime.data_changed()
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
        doc_ids.update(document_queries.document_ids_of(session, ids, counted_only=False))
    return index_documents(runtime, sorted(doc_ids), ids)


def index_documents(runtime: Runtime, doc_ids: Sequence[str], entity_ids: Sequence[str] = ()) -> int:
    """Index these documents (linked or not) and equipment/projects among `entity_ids`, and refresh the
    profiles of every entity involved; what `index check --repair` and a re-run after a kill use."""
    with runtime.db.session() as session:
        docs = list(_search_documents(session, doc_ids=sorted(set(doc_ids))))
        own = [i for i in entity_ids if i.startswith(("equipment:", "project:"))]
        if own:
            docs += [d for d in _search_documents(session, doc_ids=[], entity_ids=own) if d.kind in ("equipment", "project")]
        touched = set(entity_ids) | {e for d in docs for e in d.entity_ids}
        profiles, stale = _profile_documents(session, sorted(touched))
    _attach_vectors(runtime, docs)
    attach_multilingual_vectors(runtime, docs)
    for start in range(0, len(docs), BATCH):
        runtime.search.upsert(docs[start:start + BATCH])
    for start in range(0, len(profiles), BATCH):
        runtime.search.upsert(profiles[start:start + BATCH])
    if stale:
        runtime.search.delete(stale)
    runtime.data_changed()
    return len(docs)
