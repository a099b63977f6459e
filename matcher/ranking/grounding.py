"""Evidence a reader can check: every shown match needs a sentence that contains a word of the problem
or, for a document found by meaning alone, the sentence of it closest in meaning to the problem.

Why: a match with a title as its only "evidence" (or none at all) cannot be judged by the reader and was
often wrong (issue 12: a building-foam sentence shown for composite recycling). Matches with no such
sentence are not shown and not counted (matcher.services.matching drops them).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

from matcher.ranking import crosslang
from matcher.ranking import evidence as explain
from matcher.ranking.relevance import CandidateTable
from matcher.ranking.sentence_vectors import evidence_key

#: Sentences of one document compared with the problem by meaning (the first ones: abstracts lead with the point).
MAX_SEMANTIC_SENTENCES = 12


class SentenceEncoder(Protocol):
    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class StoredSentences(Protocol):
    """Sentence vectors computed at index time (matcher.ranking.sentence_vectors.SentenceVectors)."""

    def similarities(self, key: str, count: int, qv: np.ndarray) -> np.ndarray | None: ...


#: (title, text) -> the best sentence by meaning, or None.
SemanticPicker = Callable[[str, str], "str | None"]

#: Funders' administrative sentences, repeated word for word across awards (the demo's most frequent
#: sentences: the Recovery Act notice opens 66 of its 4,766 documents). They say nothing about the work,
#: yet one can be a document's sentence closest in meaning to a short problem.
_ADMINISTRATIVE = re.compile(
    r"recovery and reinvestment act|statutory mission|program solicitation|section 1604 of division"
    r"|cognizant program officer|intellectual merit and broader impacts review|\(PI: ", re.IGNORECASE)

#: Fewer words than this is a fragment of the sentence splitter ("2.", "Technical.", "Brown, Jr."), not evidence.
_MIN_WORDS = 4


def says_something(sentence: str, is_title: bool = False) -> bool:
    """Whether a sentence can stand as evidence by meaning: not a funder's boilerplate, not a fragment
    (a title may be short)."""
    return (is_title or len(sentence.split()) >= _MIN_WORDS) and _ADMINISTRATIVE.search(sentence) is None


def evidence_sentences(title: str, text: str) -> tuple[str, ...]:
    """The sentences a document is judged by in meaning: its title and first sentences, blanks left out.
    What the index stores vectors for and what the picker chooses from, so both must call this."""
    candidates = [title, *explain.sentences(text)[:MAX_SEMANTIC_SENTENCES - 1]]
    return tuple(c for c in candidates if c and c.strip())


def semantic_picker(encoder: SentenceEncoder | None, query_vector: np.ndarray | None,
                    stored: StoredSentences | None = None) -> SemanticPicker | None:
    """A picker of the sentence closest in meaning to the problem; None when ranking was lexical.

    Sentences whose vectors the index stored are compared without encoding anything; the others (a
    document imported since the last rebuild) are encoded here, once per worker (_sentence_vectors).
    """
    if encoder is None or query_vector is None:
        return None
    qv = np.asarray(query_vector, dtype=np.float32)

    def pick(title: str, text: str) -> str | None:
        candidates = evidence_sentences(title, text)
        if len(candidates) < 2:  # nothing to choose between: nothing to encode
            return candidates[0] if candidates and says_something(candidates[0], is_title=bool(title)) else None
        scores = stored.similarities(evidence_key(title, text), len(candidates), qv) if stored is not None else None
        if scores is None:
            _, vectors = _sentence_vectors(encoder, title, text)
            scores = vectors @ qv
        return _best_meaningful(candidates, scores, has_title=bool(title and title.strip()))

    return pick


def _best_meaningful(candidates: Sequence[str], scores: np.ndarray, has_title: bool) -> str | None:
    """The highest-scoring candidate that says something (the first is the title when `has_title`);
    the others are looked at only when boilerplate or a fragment wins."""
    def fits(at: int) -> bool:
        return says_something(candidates[at], is_title=has_title and at == 0)

    best = int(np.argmax(scores))
    if fits(best):
        return candidates[best]
    ranked = sorted(range(len(candidates)), key=lambda at: -float(scores[at]))
    return next((candidates[at] for at in ranked if fits(at)), None)


@lru_cache(maxsize=1024)
def _sentence_vectors(encoder: SentenceEncoder, title: str, text: str) -> tuple[tuple[str, ...], np.ndarray | None]:
    """A document's first sentences and, when there are several, their vectors: they do not depend on the
    problem, and the same documents come up for many problems. They are encoded by the int8 query model
    (a third of the float32 model's CPU; the same sentence is chosen in about 97% of cases, the others
    being sentences about as close, benchmarks/README.md). 1,024 documents of 12 sentences keep about
    19 MB per worker."""
    kept = evidence_sentences(title, text)
    if len(kept) < 2:
        return kept, None
    vectors = encoder.encode_queries(list(kept))
    vectors.setflags(write=False)  # shared between requests
    return kept, vectors


def grounded_snippet(title: str, text: str, stems: frozenset[str], extra_terms: Sequence[str],
                     semantic: SemanticPicker | None, stored: explain.StoredStems | None = None,
                     ) -> tuple[str, tuple[tuple[int, int], ...], str] | None:
    """(sentence, highlights, how) with how "terms" or "meaning"; None when the document explains nothing.
    `stored`: sentence stems the last rebuild stored (evidence.best_snippet)."""
    snippet, spans = explain.best_snippet(title, text, stems, extra_terms, stored)
    if spans:
        return snippet, spans, "terms"
    korean = crosslang.korean_evidence(title, text, stems)  # Korean words meaning the problem's English ones
    if korean is not None:
        return korean[0], korean[1], "terms"
    if semantic is not None:
        sentence = semantic(title, text)
        if sentence:
            if len(sentence) > explain.MAX_SNIPPET:
                sentence = sentence[: explain.MAX_SNIPPET].rsplit(" ", 1)[0] + "…"
            return sentence, (), "meaning"
    return None


def explainable(table: CandidateTable, min_cosine: float, meaning: np.ndarray | None = None) -> CandidateTable:
    """Candidates a reader can be shown evidence for, decided for all of them so pages and counts agree:
    a retrieved document holding a word of the problem (BM25 > 0), a body of work that does (a profile
    hit: its documents are searched for the sentence), or a document close in meaning (cosine >= min_cosine).
    A candidate only named by the text, or only faintly near in meaning, is neither shown nor counted.
    `meaning`: each row's cosine to judge by, when not the table's own (a Korean problem's)."""
    keep = ~np.isnan(table.profile)
    cosine = table.cosine if meaning is None else meaning
    keep[table.owner[(table.bm25 > 0) | (cosine >= min_cosine)]] = True  # NaN (no cosine) is not >=
    return table if keep.all() else table.select(keep)
