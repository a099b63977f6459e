"""Explanations: the sentence of a document that best supports a match, with the matched terms marked.

Terms are compared after stemming (matcher.ranking.stemming), so "welded" in a publication lights
up for a problem about "welding".
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

from matcher.ranking.stemming import stem

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*")
#: A sentence ends at . ! or ? followed by whitespace and a capital, digit, bracket or quote. The match
#: starts at the punctuation (not a look-behind at every whitespace): the regex engine then jumps between
#: the few . ! ? of a text, twice as fast on an abstract; the pieces are the same (tests/matching).
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z0-9(\"'])")
#: Words that never make a sentence evidence on their own: articles, prepositions, pronouns, auxiliaries and
#: the like. The search keeps most of them as (low-weight) terms, but a sentence whose only shared word is
#: "under" or "from" explains nothing (it showed a funder's "funded under the Recovery Act" notice).
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or that the their this to was were will "
    "with we our can use using used new based which such these those than also been being not no more most "
    "about above across after against along among around before behind below beneath beside besides between "
    "beyond despite down during except inside near off onto out outside over past per since through throughout "
    "toward towards under underneath until up upon via within without "
    "but if then else because while whereas although though unless whether nor so yet "
    "all any both each either every few many much neither other others several some "
    "i you he she they them his her him us my your one ones there here what when where why how who whom whose "
    "do does did done doing had having may might must shall should would could "
    "very too only just even still already however thus therefore again further once etc "
    # what a firm writes around its problem ("we need a research partner to help"): shared with a funder's
    # sentence ("This CAREER award supports research to address this pressing need") they explain nothing
    "research researcher researchers partner partners looking help need needs want wants like".split()
)
MAX_SNIPPET = 320
#: A text's evidence is looked for in its first MAX_SENTENCES sentences.
MAX_SENTENCES = 60
#: Changes whenever _WORD, _SENTENCE_END or the way a sentence's stems are taken changes: stems stored by
#: an index rebuild (matcher.ranking.sentence_stems) are then left unused until the next one.
STEMS_RULES = 2


class StoredStems(Protocol):
    """Sentence stems stored by the last rebuild (matcher.ranking.sentence_stems.SentenceStems)."""

    def sentences(self, text: str) -> tuple[tuple[str, frozenset[str]], ...] | None: ...


def query_stems(text: str) -> frozenset[str]:
    """Content-word stems of the query (no stopwords, no one-letter tokens)."""
    return frozenset(stem(w) for w in _WORD.findall(text) if len(w) > 1 and w.lower() not in STOPWORDS)


def sentences(text: str) -> list[str]:
    """The text's sentences, stripped, blanks left out; each keeps its final punctuation."""
    found = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        piece = text[start:end.start() + 1].strip()
        if piece:
            found.append(piece)
        start = end.end()
    piece = text[start:].strip()
    if piece:
        found.append(piece)
    return found


def highlight_spans(text: str, stems: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """(start, end) of every word in `text` whose stem is one of the query's stems."""
    wanted = set(stems)
    spans = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word.lower() in STOPWORDS or len(word) < 2:
            continue
        if stem(word) in wanted:
            spans.append((m.start(), m.end()))
    return tuple(spans)


def best_snippet(title: str, text: str, stems: frozenset[str], extra_terms: Iterable[str] = (),
                 stored: StoredStems | None = None) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The sentence with the most distinct query stems (the title if nothing better), with highlights.
    `stored`: the text's sentence stems as the last rebuild stored them (the same sentence; not stemmed here)."""
    wanted = set(stems) | {stem(t) for t in extra_terms}
    best, best_hits = title, len(_stems_of(title) & wanted)
    for sentence, found in _sentence_stems(text, stored):
        hits = len(found & wanted)
        if hits > best_hits:
            best, best_hits = sentence, hits
    if len(best) > MAX_SNIPPET:
        best = _window(best, wanted)
    return best, highlight_spans(best, wanted)


@lru_cache(maxsize=20_000)
def _stems_of(text: str) -> frozenset[str]:
    return frozenset(map(stem, _WORD.findall(text)))  # map: no generator frame per word (a page stems thousands)


def sentence_stems(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The first MAX_SENTENCES sentences of a text with their word stems (what best_snippet compares)."""
    return tuple((sentence, _stems_of(sentence)) for sentence in sentences(text)[:MAX_SENTENCES])


@lru_cache(maxsize=4_096)
def _sentence_stems(text: str, stored: StoredStems | None) -> tuple[tuple[str, frozenset[str]], ...]:
    """sentence_stems(text), read from the stems a rebuild stored when it has them: the same documents
    explain many queries, and a text a worker has not seen yet is not stemmed again."""
    found = stored.sentences(text) if stored is not None else None
    return sentence_stems(text) if found is None else found


def _window(sentence: str, wanted: set[str]) -> str:
    """Cut a long sentence around its first matched word."""
    first = next((m.start() for m in _WORD.finditer(sentence) if stem(m.group(0)) in wanted), 0)
    start = max(0, first - MAX_SNIPPET // 3)
    end = min(len(sentence), start + MAX_SNIPPET)
    snippet = sentence[start:end]
    if start > 0:
        snippet = "…" + snippet[snippet.find(" ") + 1 :]
    if end < len(sentence):
        snippet = snippet[: snippet.rfind(" ")] + "…"
    return snippet
