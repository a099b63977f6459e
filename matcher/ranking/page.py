"""From a scored list to the page a user sees: diversity within each page, and each match explained.

Kept apart from the scoring (matcher.ranking.relevance and .context), which decides the order: these are
pure functions over the scored entities and the document texts the caller read for them.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from matcher.capabilities.taxonomy import get_taxonomy
from matcher.capabilities.shown import shown_capability_ids
from matcher.ranking import evidence as explain
from matcher.ranking.grounding import SemanticPicker, grounded_snippet
from matcher.ranking.scored import ScoredEntity, ScoredList
from matcher.types import DocText, Evidence, Match

#: Sentences shown per match, from its best documents.
EVIDENCE_PER_MATCH = 3


def diversify(scored: Sequence[ScoredEntity], max_per_group: int, page_size: int,
              needed: int) -> Sequence[ScoredEntity]:
    """Within each page, at most `max_per_group` results from one lab or organisation, and one result per
    best document (the co-investigators of one award, or a lab and its member, would otherwise fill a page
    with the same evidence); the rest move down.

    Only the first `needed` positions are arranged (what will be shown); the tail keeps score order. Works on
    positions, reading only the entities it arranges: a ScoredList comes back as a view of itself.
    """
    remaining = list(range(len(scored)))
    ordered: list[int] = []
    while remaining and len(ordered) < needed:
        counts: dict[str, int] = defaultdict(int)
        leads: set[str] = set()  # the best document of each result on this page
        page: list[int] = []
        deferred: list[int] = []
        for position, at in enumerate(remaining):
            if len(page) >= page_size:
                deferred.extend(remaining[position:])
                break
            item = scored[at]
            card = item.card
            group = f"{card.kind}:{card.group}"
            lead = item.documents[0] if item.documents else None
            if counts[group] < max_per_group and lead not in leads:
                counts[group] += 1
                if lead is not None:
                    leads.add(lead)
                page.append(at)
            else:
                deferred.append(at)
        if not page:  # every remaining item is from one saturated group
            page, deferred = deferred[:page_size], deferred[page_size:]
        ordered.extend(page)
        remaining = deferred
    positions = ordered + remaining
    if isinstance(scored, ScoredList):
        return scored.take(positions)
    return [scored[at] for at in positions]


def evidence_documents(page: Sequence[ScoredEntity]) -> list[str]:
    """The documents whose sentences the page will show."""
    return [d for item in page for d in item.documents[:EVIDENCE_PER_MATCH]]


def build_matches(page: Sequence[ScoredEntity], query: str, texts: Mapping[str, DocText],
                  with_evidence: bool, semantic: SemanticPicker | None = None,
                  stored_stems: explain.StoredStems | None = None) -> tuple[Match, ...]:
    """Each scored item as a Match with rounded components, the problem's shown capabilities it has, its evidence.

    With evidence, a document contributes a sentence only when it holds a word of the problem or (found
    by meaning) through its sentence closest in meaning (matcher.ranking.grounding); a match may thus
    come back with no evidence, and the caller does not show it.
    """
    stems = explain.query_stems(query) if with_evidence else frozenset()
    shown = frozenset(shown_capability_ids(query))  # the problem's chips: a match is labelled with those only
    return tuple(_build_match(item, stems, texts, with_evidence, semantic, shown, stored_stems) for item in page)


def _build_match(item: ScoredEntity, stems: frozenset[str], texts: Mapping[str, DocText],
                 with_evidence: bool, semantic: SemanticPicker | None, shown_caps: frozenset[str],
                 stored_stems: explain.StoredStems | None = None) -> Match:
    score, card, components, matched, doc_ids = item.score, item.card, item.components, item.matched, item.documents
    taxonomy = get_taxonomy()
    labels = tuple(taxonomy[c].label if c in taxonomy else c for c in matched)
    evidence: list[Evidence] = []
    seen: set[str] = set()  # titles and sentences already shown for this match
    shown_words: list[frozenset[str]] = []  # and their words, to leave out a near-repeat of one
    for doc_id in doc_ids[:EVIDENCE_PER_MATCH] if with_evidence else ():
        doc = texts.get(doc_id)
        if doc is None:
            continue
        title_key = _key(doc.title)
        if title_key in seen:
            continue  # a follow-on award or a re-filed record of the same work repeats its first sentence
        grounded = grounded_snippet(doc.title, doc.text, stems, list(labels), semantic, stored_stems)
        if grounded is None:
            continue
        snippet, spans, _how = grounded
        snippet_key = _key(snippet)
        words = _words(snippet)
        if snippet_key in seen or any(_alike(words, other) for other in shown_words):
            continue
        seen.update((title_key, snippet_key))
        shown_words.append(words)
        source = f"{doc.kind}: {doc.title}" + (f" ({doc.year})" if doc.year else "")
        evidence.append(Evidence(text=snippet, source=source, document_id=doc_id, capability_ids=matched,
                                 highlights=spans, year=doc.year, document_kind=doc.kind, document_title=doc.title))
    shown = tuple(label for cid, label in zip(matched, labels) if cid in shown_caps)
    return Match(entity_id=card.id, entity_kind=card.kind, name=card.name, score=round(score, 4),
                 components={k: round(v, 4) for k, v in components.items()}, capabilities=shown,
                 evidence=tuple(evidence), organization=card.organization, region=card.region)


def _key(text: str) -> str:
    """A title or sentence as compared for repeats: case and spacing aside."""
    return " ".join(text.casefold().split())


#: Two sentences sharing this fraction of their words (Jaccard) say the same thing: one award's abstract
#: re-used by the next ("Plasmodium falciparum (Pf)" / "P. falciparum"), a title re-filed with a typo.
NEAR_REPEAT = 0.6
_WORDS = re.compile(r"\w+")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(text.casefold()))


def _alike(words: frozenset[str], other: frozenset[str]) -> bool:
    union = len(words | other)
    return union > 0 and len(words & other) / union >= NEAR_REPEAT
