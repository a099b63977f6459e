"""The stems evidence is compared by, owned by the ranking whichever search engine is configured.

Words go through the Snowball English stemmer (tantivy's, used as a library: the same stems the local
index makes, so "welded" in a publication lights up for a problem about "welding"), Korean segmented
into content morphemes first (matcher.korean). Kept here, not in a backend, so explanations read the
same with Elasticsearch configured.
"""
from __future__ import annotations

from functools import lru_cache

import tantivy

from matcher.korean import segment

_STEMMER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(40))
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The word's first stem (a Korean word's first morpheme), or the word lower-cased when it has none."""
    tokens = _STEMMER.analyze(segment(word)) if word else []
    return tokens[0] if tokens else word.lower()
