"""Text analysis of the local index: the same tokens at index time and at query time.

The title and text fields use tantivy's en_stem chain; word bigrams ("shingles") are built here, stop
words dropped and stemmed, and indexed pre-computed in a whitespace-tokenised field. Korean is
segmented first (``prepare``: each Korean word replaced by its nouns and verb/adjective stems, by
kiwipiepy), both when a document is indexed and when a query is analysed, so the en_stem chain then
sees Korean morphemes as plain words; text without Hangul passes through untouched.
"""
from __future__ import annotations

import tantivy

from ...korean import segment

#: Long problem descriptions are cut to this many distinct terms to bound query cost.
MAX_QUERY_TERMS = 256


def _build_analyser() -> tantivy.TextAnalyzer:
    """Mirror of tantivy's built-in en_stem chain, so query terms equal indexed terms."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


_ANALYSER = _build_analyser()
_SHINGLE_ANALYSER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(40))
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stopword("english"))
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


def prepare(text: str) -> str:
    """The text the en_stem fields receive: Korean segmented into content morphemes, the rest as is."""
    return segment(text) if text else ""


def shingles(text: str, prepared: bool = False) -> list[str]:
    """Adjacent content-word pairs ("a_b"), stop words dropped first, in text order (repeats kept).

    ``prepared``: ``text`` already went through ``prepare`` (the indexer segments each text once)."""
    if not text:
        return []
    tokens = list(_SHINGLE_ANALYSER.analyze(text if prepared else prepare(text)))
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:])]


def query_shingles(text: str, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """Distinct bigrams of a query: each counted once, like its terms."""
    return list(dict.fromkeys(shingles(text)))[:limit]


def analyse(text: str) -> list[str]:
    """Tokens of ``text`` exactly as the title and text fields index them."""
    return list(_ANALYSER.analyze(prepare(text))) if text else []


def query_terms(text: str, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """Distinct analysed terms in first-seen order, stop words dropped (a problem "in" a tray must not
    match every text containing "in"); a query of stop words alone keeps them. Punctuation separates."""
    if not text:
        return []
    prepared = prepare(text)
    content = list(dict.fromkeys(_SHINGLE_ANALYSER.analyze(prepared)))
    return (content or list(dict.fromkeys(_ANALYSER.analyze(prepared))))[:limit]
