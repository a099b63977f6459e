"""The text searches of one match(): the documents' own kinds beside the shared cut, and the profiles (and the
names a problem writes). Run by matcher.services.matching, which fuses what they find; kept apart so that the
orchestration reads as one pipeline."""
from __future__ import annotations

from dataclasses import replace

from matcher.ranking.candidates import SELF_DOCUMENT_KINDS
from matcher.ranking.names import text_phrases
from matcher.ranking.scorer import ScorerConfig
from matcher.runtime import Runtime
from matcher.types import Filter, Hit


def own_document_hits(runtime: Runtime, search_text: str, doc_filter: Filter, seen: set[str],
                      cfg: ScorerConfig) -> list[Hit]:
    """Equipment and projects the text matches, beyond the documents' cut: publications and awards outnumber
    them a hundred to one, so in one shared top-k the equipment of a problem was often never retrieved."""
    top_k = cfg.retrieval.get("own_document_top_k", 0)
    if not top_k:
        return []
    own = runtime.search.search(search_text, replace(doc_filter, entity_kinds=SELF_DOCUMENT_KINDS), top_k=top_k)
    return [h for h in own if h.id not in seen]


def profile_searches(runtime: Runtime, query: str, search_text: str, profile_filter: Filter | None,
                     cfg: ScorerConfig) -> tuple[list[Hit], list[Hit]]:
    """Entity profiles the text matches, and those whose name it writes (none when no kind has profiles)."""
    if profile_filter is None:
        return [], []
    search = runtime.search
    profile_hits = search.search(search_text, profile_filter, top_k=cfg.retrieval.get("profile_top_k", 200))
    named_hits = search.name_matches(text_phrases(query), profile_filter, top_k=cfg.retrieval.get("named_top_k", 50)) \
        if cfg.weights.get("name", 0.0) else []
    return profile_hits, named_hits
