"""match(problem text) -> ranked partners, equipment and projects, each with score components and evidence.

Pipeline: extract the problem's capabilities; retrieve documents lexically (BM25) and
semantically (MiniLM cosine over stored vectors); calibrate and fuse the two per document; pool
documents to entities (best + half the second + a third of the third); add capability overlap
weighted by rarity, region, recency and equipment availability; score with the versioned
weights; keep one lab from filling the page; explain the page's matches with their best sentences.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from matcher.capabilities.extractor import aggregate_mentions, get_extractor
from matcher.capabilities.taxonomy import get_taxonomy
from matcher.ranking import evidence as explain
from matcher.ranking.features import (
    capability_overlap,
    fuse,
    normalise_cosines,
    normalise_max,
    rarity_weights,
    recency_feature,
)
from matcher.ranking.pooling import decayed_top_k, recency_weight
from matcher.ranking.scorer import ScorerConfig, load_config
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
from matcher.types import CapabilityMention, Evidence, Filter, Match, MatchResult

log = logging.getLogger(__name__)

TARGET_KINDS = ("researcher", "lab", "organization", "equipment", "project")
MAX_QUERY_CHARS = 5000
EVIDENCE_PER_MATCH = 3
AVAILABLE = ("available", "operational", "active", "in service", "ok", "open")
UNAVAILABLE = ("retired", "unavailable", "out of service", "broken", "decommissioned", "disposed")


@dataclass
class _Candidate:
    entity_id: str
    docs: list[tuple[float, float, float, str, int | None]] = field(default_factory=list)  # fused, lex, sem, id, year


def match(runtime: Runtime, text: str, *, kinds: Sequence[str] | None = None, regions: Sequence[str] | None = None,
          capabilities: Sequence[str] | None = None, limit: int = 10, offset: int = 0,
          exclude_entity_ids: Sequence[str] = (), exclude_document_ids: Sequence[str] = (),
          config: ScorerConfig | None = None, explain_page: bool = True) -> MatchResult:
    """Rank entities of `kinds` (default: all target kinds) for a problem described in plain words."""
    started = time.perf_counter()
    cfg = config or load_config()
    query = " ".join((text or "").split())[:MAX_QUERY_CHARS]
    wanted_kinds = tuple(k for k in (kinds or TARGET_KINDS) if k in TARGET_KINDS)
    if not query or not wanted_kinds:
        return MatchResult(query=query, matches=(), total=0)
    mentions = tuple(get_extractor().extract(query))
    query_caps = {s.capability_id: s.weight for s in aggregate_mentions({"text": mentions}) if not s.is_keyphrase}

    doc_filter = Filter(entity_kinds=wanted_kinds, capabilities=tuple(capabilities) if capabilities else None,
                        exclude_ids=tuple(exclude_document_ids) or None)
    hits = runtime.search.search(query, doc_filter, top_k=cfg.retrieval.get("lexical_top_k", 400))
    lexical = normalise_max({h.id: h.score for h in hits})
    links: dict[str, list[str]] = {h.id: list(h.entity_ids) for h in hits}

    semantic, used_semantic = _semantic_scores(runtime, query, list(lexical), cfg, set(exclude_document_ids))
    with runtime.db.session() as session:
        missing = [d for d in semantic if d not in links]
        if missing:
            extra_links = document_links(session, missing)
            if capabilities:
                caps_of_missing = capabilities_of(session, missing)
                missing = [d for d in missing if set(capabilities) & set(caps_of_missing.get(d, {}))]
            for d in missing:
                links[d] = extra_links.get(d, [])
        semantic = {d: s for d, s in semantic.items() if d in links}
        doc_scores = fuse(lexical, semantic, cfg.fusion)

        candidates: dict[str, _Candidate] = {}
        for doc_id, score in doc_scores.items():
            for entity_id in links.get(doc_id, ()):
                if entity_kind(entity_id) in wanted_kinds and entity_id not in exclude_entity_ids:
                    candidates.setdefault(entity_id, _Candidate(entity_id)).docs.append(
                        (score, lexical.get(doc_id, 0.0), semantic.get(doc_id, 0.0), doc_id, None))
        if not candidates:
            return MatchResult(query=query, matches=(), capabilities=mentions, total=0, semantic=used_semantic,
                               took_ms=(time.perf_counter() - started) * 1000)
        cards = entity_cards(session, candidates)
        if regions:
            wanted_regions = {r.lower() for r in regions}
            cards = {i: c for i, c in cards.items() if (c.region or "").lower() in wanted_regions}
        doc_ids = {d[3] for c in candidates.values() if c.entity_id in cards for d in c.docs}
        doc_years = _years(session, doc_ids)
        doc_caps = capabilities_of(session, sorted(doc_ids)) if query_caps else {}
        df, total_holders = capability_document_frequency(session, runtime.db.url) if query_caps else ({}, 0)
        rarity = rarity_weights(df, max(total_holders, 1))

        scored = [_score(candidates[i], card, cfg, query_caps, rarity, doc_caps, doc_years, regions)
                  for i, card in cards.items()]
        scored.sort(key=lambda m: (-m[0], m[1].id))
        ordered = _diversify(scored, cfg.max_per_group_in_page, page_size=max(limit, 1))
        page = ordered[offset : offset + limit]
        matches = tuple(_build_match(session, item, query, query_caps, explain_page) for item in page)
    took = (time.perf_counter() - started) * 1000
    return MatchResult(query=query, matches=matches, capabilities=mentions, total=len(ordered),
                       semantic=used_semantic, took_ms=took)


def _semantic_scores(runtime: Runtime, query: str, lexical_ids: list[str], cfg: ScorerConfig,
                     excluded: set[str]) -> tuple[dict[str, float], bool]:
    """Cosine to the query for lexical candidates plus the nearest documents overall; ({}, False) without a model."""
    encoder = runtime.encoder
    if encoder is None:
        return {}, False
    store = vector_store(runtime)
    if store is None or len(store) == 0:
        log.warning("no document vectors stored: run `flask index rebuild`; ranking is lexical only")
        return {}, False
    qv = encoder.encode([query])[0]
    cosines: dict[str, float] = {}
    if lexical_ids:
        rows, found = store.rows(lexical_ids)
        present = [d for d, ok in zip(lexical_ids, found) if ok]
        if present:
            cosines.update(zip(present, (rows @ qv).tolist()))
    if len(store) <= cfg.retrieval.get("brute_force_max_docs", 200_000):
        sims = np.asarray(store.matrix, dtype=np.float32) @ qv
        k = min(cfg.retrieval.get("semantic_top_k", 200), len(sims))
        top = np.argpartition(-sims, k - 1)[:k] if k else []
        for i in top:
            doc_id = store.ids[int(i)]
            if doc_id not in excluded:
                cosines.setdefault(doc_id, float(sims[int(i)]))
    return normalise_cosines(cosines), True


def _years(session, doc_ids: set[str]) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from matcher.models import Document

    years: dict[str, int | None] = {}
    ids = [d for d in doc_ids if entity_kind(d) == "document"]
    for start in range(0, len(ids), 500):
        years.update(session.execute(select(Document.id, Document.year).where(Document.id.in_(ids[start:start + 500]))).all())
    return years


def _score(candidate: _Candidate, card: EntityCard, cfg: ScorerConfig, query_caps: dict[str, float],
           rarity: dict[str, float], doc_caps: dict[str, dict[str, float]], doc_years: dict[str, int | None],
           regions: Sequence[str] | None) -> tuple[float, EntityCard, dict[str, float], list[str], list[str]]:
    """Features of one entity and its linear score; returns (score, card, components, matched caps, doc ids)."""
    this_year = date.today().year
    docs = []
    for fused, lex, sem, doc_id, _ in candidate.docs:
        w = recency_weight(doc_years.get(doc_id), this_year, card.recency_half_life)
        docs.append((fused * w, lex * w, sem * w, doc_id))
    docs.sort(key=lambda d: -d[0])
    decay = cfg.pooling_decay
    features = {
        "lexical": decayed_top_k([d[1] for d in docs], decay),
        "semantic": decayed_top_k([d[2] for d in docs], decay),
    }
    entity_caps: dict[str, float] = {}
    for _, _, _, doc_id in docs[:10]:
        for cap, weight in doc_caps.get(doc_id, {}).items():
            entity_caps[cap] = max(weight, entity_caps.get(cap, 0.0))
    for cap in card.added_capabilities:
        entity_caps[cap] = max(1.0, entity_caps.get(cap, 0.0))
    for cap in card.removed_capabilities:
        entity_caps.pop(cap, None)
    features["capability"], matched = capability_overlap(query_caps, entity_caps, rarity)
    features["region"] = 1.0 if regions and (card.region or "").lower() in {r.lower() for r in regions} else 0.0
    features["recency"] = recency_feature([doc_years.get(d[3]) for d in docs[:3]], this_year)
    features["availability"] = _availability(card)
    components = {k: round(v, 4) for k, v in features.items()}
    return cfg.score(features), card, components, matched, [d[3] for d in docs]


def _availability(card: EntityCard) -> float:
    if card.kind != "equipment":
        return 0.5
    status = (card.status or "").lower()
    if any(s in status for s in UNAVAILABLE):
        return 0.0
    if any(s in status for s in AVAILABLE):
        return 1.0
    return 0.5


def _diversify(scored: list, max_per_group: int, page_size: int) -> list:  # type: ignore[type-arg]
    """Within each page, at most `max_per_group` results from one lab or organisation; the rest move down."""
    remaining = list(scored)
    ordered: list = []  # type: ignore[type-arg]
    while remaining:
        counts: dict[str, int] = defaultdict(int)
        page, deferred = [], []
        for item in remaining:
            group = f"{item[1].kind}:{item[1].group}"
            if len(page) < page_size and counts[group] < max_per_group:
                counts[group] += 1
                page.append(item)
            else:
                deferred.append(item)
        if not page:  # every remaining item is from one saturated group
            page, deferred = deferred[:page_size], deferred[page_size:]
        ordered.extend(page)
        remaining = deferred
    return ordered


def _build_match(session, item: tuple, query: str, query_caps: dict[str, float], with_evidence: bool) -> Match:  # type: ignore[no-untyped-def,type-arg]
    score, card, components, matched, doc_ids = item
    taxonomy = get_taxonomy()
    labels = tuple(taxonomy[c].label if c in taxonomy else c for c in matched)
    evidence: tuple[Evidence, ...] = ()
    if with_evidence:
        stems = explain.query_stems(query)
        cap_terms = [label for label in labels]
        texts = document_texts(session, doc_ids[:EVIDENCE_PER_MATCH])
        items = []
        for doc_id in doc_ids[:EVIDENCE_PER_MATCH]:
            doc = texts.get(doc_id)
            if doc is None:
                continue
            snippet, spans = explain.best_snippet(doc.title, doc.text, stems, cap_terms)
            source = f"{doc.kind}: {doc.title}" + (f" ({doc.year})" if doc.year else "")
            items.append(Evidence(text=snippet, source=source, document_id=doc_id, capability_ids=tuple(matched),
                                  highlights=spans, year=doc.year))
        evidence = tuple(items)
    return Match(entity_id=card.id, entity_kind=card.kind, name=card.name, score=round(score, 4),
                 components=components, capabilities=labels, evidence=evidence, organization=card.organization,
                 region=card.region)


def query_capabilities(text: str) -> tuple[CapabilityMention, ...]:
    """The capabilities recognised in a problem text (for showing the user what was understood)."""
    return tuple(get_extractor().extract(text))
