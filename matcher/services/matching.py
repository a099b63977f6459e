"""match(problem text) -> ranked partners, equipment and projects, each with score components and evidence.

Pipeline: extract the problem's capabilities; retrieve with BM25 (each query term counted once) entity
profiles (all of an entity's counted documents in one text; terms + word bigrams) and documents (terms,
common ones left out of long problems); add the MiniLM cosine of the candidates' documents (stored
vectors); per entity, three relevance signals (profile BM25, documents' BM25 pooled best + 1/2 + 1/3,
cosines pooled the same way), each z-scored over the query's candidates and fused with the versioned
weights, plus whether the text writes the entity's name, capability overlap weighted by rarity, region,
recency and equipment availability; keep one lab from filling the page; explain the page's matches with
their best sentences.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.capabilities.extractor import aggregate_mentions, get_extractor
from matcher.models import Document
from matcher.ranking.expansion import expand
from matcher.ranking.names import text_phrases
from matcher.ranking.page import build_matches, diversify, evidence_documents
from matcher.ranking.features import (
    availability,
    brevity,
    capability_overlap,
    entity_capabilities,
    rarity_weights,
    recency_feature,
)
from matcher.ranking.relevance import Candidate, relevance_features
from matcher.ranking.scorer import RELEVANCE_FEATURES, ScorerConfig, load_config
from matcher.repositories import (
    EntityCard,
    capabilities_of,
    capability_document_frequency,
    document_links,
    document_texts,
    entity_cards,
    entity_kind,
)
from matcher.runtime import Runtime
from matcher.services.indexing import vector_store
from matcher.types import (
    DOCUMENT_KINDS,
    ENTITY_PROFILE_KIND,
    PROFILED_ENTITY_KINDS,
    CapabilityMention,
    Filter,
    Hit,
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
    scored: list  # type: ignore[type-arg]  # best first: (score, card, components, matched capabilities, doc ids)
    started: float


def match(runtime: Runtime, text: str, *, kinds: Sequence[str] | None = None, regions: Sequence[str] | None = None,
          capabilities: Sequence[str] | None = None, limit: int = 10, offset: int = 0,
          exclude_entity_ids: Sequence[str] = (), exclude_document_ids: Sequence[str] = (),
          config: ScorerConfig | None = None, explain_page: bool = True) -> MatchResult:
    """Rank entities of `kinds` (default: all target kinds) for a problem described in plain words."""
    cfg = config or load_config()
    ranking = _rank(runtime, text, kinds, regions, capabilities, exclude_entity_ids, exclude_document_ids, cfg)
    ordered = diversify(ranking.scored, cfg.max_per_group_in_page, page_size=max(limit, 1), needed=offset + limit)
    return _result(runtime, ranking, ordered[offset : offset + limit], len(ranking.scored), explain_page, cfg)


def match_groups(runtime: Runtime, text: str, groups: Mapping[str, Sequence[str]], *, per_group: int = 4,
                 regions: Sequence[str] | None = None, capabilities: Sequence[str] | None = None,
                 config: ScorerConfig | None = None) -> dict[str, MatchResult]:
    """The best `per_group` entities of each group of kinds, from one retrieval and one scoring pass.

    The overview page shows partners, equipment and projects at once; ranking them together and
    splitting afterwards costs one search instead of one per group.
    """
    cfg = config or load_config()
    all_kinds = tuple(dict.fromkeys(k for kinds in groups.values() for k in kinds))
    ranking = _rank(runtime, text, all_kinds, regions, capabilities, (), (), cfg)
    results = {}
    for name, kinds in groups.items():
        members = [item for item in ranking.scored if item[1].kind in kinds]
        page = diversify(members, cfg.max_per_group_in_page, page_size=max(per_group, 1), needed=per_group)
        results[name] = _result(runtime, ranking, page[:per_group], len(members), True, cfg)
    return results


def candidate_features(runtime: Runtime, text: str, *, exclude_document_ids: Sequence[str] = (),
                       config: ScorerConfig | None = None) -> list[tuple[str, dict[str, float]]]:
    """Every candidate entity with its features, best first: what a ranking is learned from."""
    ranking = _rank(runtime, text, None, None, None, (), exclude_document_ids, config or load_config())
    return [(item[1].id, dict(item[2])) for item in ranking.scored]


def _result(runtime: Runtime, ranking: _Ranking, page: list, total: int, explain_page: bool,  # type: ignore[type-arg]
            cfg: ScorerConfig) -> MatchResult:
    if not page:
        return MatchResult(query=ranking.query, matches=(), capabilities=ranking.mentions, total=total,
                           semantic=ranking.semantic, took_ms=(time.perf_counter() - ranking.started) * 1000)
    with runtime.db.session() as session:
        if ranking.query_caps and cfg.weights.get("capability", 0.0) == 0.0:
            page = _page_capabilities(session, runtime, page, ranking.query_caps)
        texts = document_texts(session, evidence_documents(page)) if explain_page else {}
        matches = build_matches(page, ranking.search_text, texts, explain_page)
    return MatchResult(query=ranking.query, matches=matches, capabilities=ranking.mentions, total=total,
                       semantic=ranking.semantic, took_ms=(time.perf_counter() - ranking.started) * 1000)


def _rank(runtime: Runtime, text: str, kinds: Sequence[str] | None, regions: Sequence[str] | None,
          capabilities: Sequence[str] | None, exclude_entity_ids: Sequence[str],
          exclude_document_ids: Sequence[str], cfg: ScorerConfig) -> _Ranking:
    started = time.perf_counter()
    query = " ".join((text or "").split())[:MAX_QUERY_CHARS]
    wanted_kinds = tuple(k for k in (kinds or TARGET_KINDS) if k in TARGET_KINDS)
    if not query or not wanted_kinds:
        return _Ranking(query, query, (), {}, False, [], started)
    mentions = tuple(get_extractor().extract(query))
    search_text = expand(query, cfg.expansion_max_words)
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
    profile_searches = _SEARCHES.submit(_profile_searches, runtime, query, search_text, profile_filter, cfg)
    qv, used_semantic = _query_vector(runtime, query)
    vector = qv.tolist() if qv is not None and getattr(runtime.search, "uses_query_vector", True) else None
    hits = runtime.search.search(search_text, doc_filter, top_k=cfg.retrieval.get("lexical_top_k", 200), vector=vector)
    profile_hits, named_hits = profile_searches.result()
    if not (hits or profile_hits or named_hits) and not _close_in_meaning(runtime, qv, cfg):
        return _Ranking(query, search_text, mentions, query_caps, used_semantic, [], started)  # no confident match

    candidates: dict[str, Candidate] = {}

    def candidate(entity_id: str) -> Candidate | None:
        if entity_id in excluded_entities or entity_kind(entity_id) not in wanted_kinds:
            return None
        return candidates.setdefault(entity_id, Candidate(entity_id))

    for h in profile_hits:
        for entity_id in h.entity_ids:
            c = candidate(entity_id)
            if c is not None:
                c.profile = _length_discounted(h, cfg.profile_length_power)
    for h in hits:
        for entity_id in h.entity_ids:
            c = candidate(entity_id)
            if c is not None:
                c.docs[h.id] = (h.score, None)
    for h in named_hits:
        for entity_id in h.entity_ids:
            c = candidate(entity_id)
            if c is not None:
                c.named = True
    with runtime.db.session() as session:
        if qv is not None:
            nearest = _nearest_documents(runtime, qv, cfg, excluded_docs)
            for doc_id, entity_ids in document_links(session, nearest).items():
                for entity_id in entity_ids:
                    c = candidate(entity_id)
                    if c is not None:
                        c.docs.setdefault(doc_id, (0.0, None))
        doc_years = _fill_entity_documents(session, candidates, excluded_docs, {h.id: h.year for h in hits})
        if caps_filter:
            _drop_documents_without(session, candidates, set(caps_filter))
        if excluded_docs:
            for entity_ids in document_links(session, sorted(excluded_docs)).values():
                for entity_id in entity_ids:
                    if entity_id in candidates:
                        candidates[entity_id].tainted = True
        if qv is not None:
            _attach_cosines(runtime, qv, candidates)
        candidates = {i: c for i, c in candidates.items() if c.docs or c.profile is not None or c.named}
        cards = entity_cards(session, candidates) if candidates else {}
        if regions:
            wanted_regions = {r.lower() for r in regions}
            cards = {i: c for i, c in cards.items() if (c.region or "").lower() in wanted_regions}
        if not cards:
            return _Ranking(query, search_text, mentions, query_caps, used_semantic, [], started)
        relevance, doc_order = relevance_features(candidates, cards, cfg, doc_years, used_semantic,
                                          profile_floor=_floor(profile_hits, cfg.retrieval.get("profile_top_k", 200),
                                                              cfg.profile_length_power))
        scored = [(0.0, card, relevance[i], [], doc_order[i]) for i, card in cards.items()]
        scored = _add_context_features(session, runtime, scored, cfg, query_caps, doc_years, regions,
                                       brevity(len(query.split())))
    scored.sort(key=lambda m: (-m[0], m[1].id))
    return _Ranking(query, search_text, mentions, query_caps, used_semantic, scored, started)


def _profile_searches(runtime: Runtime, query: str, search_text: str, profile_filter: Filter | None,
                      cfg: ScorerConfig) -> tuple[list[Hit], list[Hit]]:
    """Entity profiles the text matches, and those whose name it writes (none when no kind has profiles)."""
    if profile_filter is None:
        return [], []
    search = runtime.search
    profile_hits = search.search(search_text, profile_filter, top_k=cfg.retrieval.get("profile_top_k", 200))
    named_hits = search.name_matches(text_phrases(query), profile_filter, top_k=cfg.retrieval.get("named_top_k", 50)) \
        if cfg.weights.get("name", 0.0) else []
    return profile_hits, named_hits


def _length_discounted(hit: Hit, power: float) -> float:
    """BM25 of a whole body of work, divided by length**power.

    Tantivy's BM25 normalises length with b=0.75, which lets a long profile collect many weak
    matches; the power is in weights.json (sbir-firms: 0 -> 0.15 gave nDCG@10 +0.011, like b=1.0).
    """
    return hit.score / max(hit.length, 1) ** power if power else hit.score


def _floor(hits: Sequence[Hit], top_k: int, power: float = 0.0) -> float:
    """What an entity missing from a truncated list scored at most: the lowest retrieved score (else 0)."""
    if not hits or len(hits) < top_k:
        return 0.0
    return min(_length_discounted(h, power) for h in hits)


def _query_vector(runtime: Runtime, query: str) -> tuple[np.ndarray | None, bool]:
    """The problem's unit vector, or (None, False) with a log line when ranking must stay lexical."""
    global _warned_lexical
    encoder = runtime.encoder
    if encoder is None:
        if not _warned_lexical:
            log.warning("no sentence encoder available: ranking falls back to lexical features only")
            _warned_lexical = True
        return None, False
    store = vector_store(runtime)
    if store is None or len(store) == 0:
        log.warning("no document vectors stored: run `flask index rebuild`; ranking is lexical only")
        return None, False
    return encoder.encode_query(query), True


def _close_in_meaning(runtime: Runtime, qv: np.ndarray | None, cfg: ScorerConfig) -> bool:
    """Whether some document is near the query's vector although no query word occurs anywhere."""
    store = vector_store(runtime)
    if qv is None or store is None or not len(store):
        return False
    return float(np.max(np.asarray(store.matrix, dtype=np.float32) @ qv)) >= cfg.min_cosine_without_terms


def _nearest_documents(runtime: Runtime, qv: np.ndarray, cfg: ScorerConfig, excluded: set[str]) -> list[str]:
    """Nearest documents by brute force while the store is small; above that, lexical candidates only."""
    store = vector_store(runtime)
    if store is None or not len(store) or len(store) > cfg.retrieval.get("brute_force_max_docs", 200_000):
        return []
    sims = np.asarray(store.matrix, dtype=np.float32) @ qv
    k = min(cfg.retrieval.get("semantic_top_k", 100) + len(excluded), len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    return [store.ids[int(i)] for i in top if store.ids[int(i)] not in excluded]


def _fill_entity_documents(session: Session, candidates: dict[str, Candidate], excluded: set[str],
                           known_years: Mapping[str, int | None]) -> dict[str, int | None]:
    """Years of the retrieved documents; equipment and projects are their own single document.

    Only retrieved documents (lexical hits and nearest vectors) are pooled: rescoring every other
    document of every candidate measured +0.004 nDCG@10 for several SQL round trips per query.
    Search hits bring their years (`known_years`); SQL is asked only for the others (7 ms a query at 1M).
    """
    for entity_id, c in candidates.items():
        if entity_kind(entity_id) in ("equipment", "project"):
            c.docs.setdefault(entity_id, (0.0, None))
            c.profile = None
        for doc_id in [d for d in c.docs if d in excluded]:
            del c.docs[doc_id]
    wanted = {d for c in candidates.values() for d in c.docs if entity_kind(d) == "document"}
    years = {d: known_years[d] for d in wanted if d in known_years}
    doc_ids = sorted(wanted - years.keys())
    for start in range(0, len(doc_ids), 500):
        years.update(session.execute(select(Document.id, Document.year)
                                     .where(Document.id.in_(doc_ids[start:start + 500]))).all())
    return years


def _drop_documents_without(session: Session, candidates: dict[str, Candidate], wanted: set[str]) -> None:
    """With a capability filter, only documents showing one of the capabilities count as evidence."""
    doc_ids = sorted({d for c in candidates.values() for d in c.docs})
    caps = capabilities_of(session, doc_ids)
    for c in candidates.values():
        c.docs = {d: v for d, v in c.docs.items() if wanted & set(caps.get(d, {}))}


def _attach_cosines(runtime: Runtime, qv: np.ndarray, candidates: dict[str, Candidate]) -> None:
    store = vector_store(runtime)
    if store is None:
        return
    doc_ids = sorted({d for c in candidates.values() for d in c.docs})
    rows, found = store.rows(doc_ids)
    present = [d for d, ok in zip(doc_ids, found) if ok]
    cosines = dict(zip(present, (rows @ qv).tolist())) if present else {}
    for c in candidates.values():
        c.docs = {d: (lex, cosines.get(d)) for d, (lex, _) in c.docs.items()}


def _add_context_features(session: Session, runtime: Runtime, scored: list, cfg: ScorerConfig,  # type: ignore[type-arg]
                          query_caps: dict[str, float], doc_years: dict[str, int | None],
                          regions: Sequence[str] | None, short: float) -> list:  # type: ignore[type-arg]
    """Capability overlap, region, recency, availability and the relevance x brevity terms, then the scores."""
    this_year = date.today().year
    # Capability overlap needs SQL per candidate: only when it is weighted (else _page_capabilities
    # computes it for the shown page).
    need_caps = bool(query_caps) and cfg.weights.get("capability", 0.0) != 0.0
    doc_caps = capabilities_of(session, sorted({d for item in scored for d in item[4][:3]})) if need_caps else {}
    rarity = _rarity(session, runtime) if need_caps else {}
    wanted_regions = {r.lower() for r in regions} if regions else set()
    out = []
    for _, card, features, _, docs in scored:
        features = dict(features)
        if need_caps:
            features["capability"], matched = capability_overlap(query_caps, entity_capabilities(docs, doc_caps, card.added_capabilities, card.removed_capabilities),
                                                                 rarity)
        else:  # the shown page gets its overlap in _page_capabilities
            features["capability"], matched = 0.0, []
        features["region"] = 1.0 if wanted_regions and (card.region or "").lower() in wanted_regions else 0.0
        features["recency"] = recency_feature([doc_years.get(d) for d in docs[:3]], this_year)
        features["availability"] = availability(card.kind, card.status)
        for name in RELEVANCE_FEATURES:
            features[f"{name}_short"] = features.get(name, 0.0) * short
        out.append((cfg.score(features), card, features, matched, docs))
    return out


def _page_capabilities(session: Session, runtime: Runtime, page: list, query_caps: dict[str, float]) -> list:  # type: ignore[type-arg]
    """Matched capabilities for the shown page only (explanation, not ranking)."""
    doc_caps = capabilities_of(session, sorted({d for item in page for d in item[4][:3]}))
    rarity = _rarity(session, runtime)
    out = []
    for score, card, components, _, docs in page:
        overlap, matched = capability_overlap(query_caps, entity_capabilities(docs, doc_caps, card.added_capabilities, card.removed_capabilities), rarity)
        out.append((score, card, {**components, "capability": overlap}, matched, docs))
    return out


def _rarity(session: Session, runtime: Runtime) -> dict[str, float]:
    df, total_holders = capability_document_frequency(session, runtime.db.url)
    return rarity_weights(df, max(total_holders, 1))
