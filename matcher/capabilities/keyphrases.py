"""Out-of-taxonomy keyphrases: salient 2-3 word runs the taxonomy does not know yet.

Kept apart from taxonomy matching because it is a separate, optional pass (CapabilityExtractor's
`keyphrases` flag) over the tokens no capability took, with its own ranking and its own mention weight.
"""
from __future__ import annotations

import numpy as np

from matcher.capabilities.lexicon import _MIX, _Analysis
from matcher.capabilities.text import _Sentences
from matcher.types import CapabilityMention

KEYPHRASE_PREFIX = "kp:"
KEYPHRASE_WEIGHT = 0.5


def find_keyphrases(a: _Analysis, content: np.ndarray, taken: bytearray, sentences: _Sentences,
                    lemma_str: list[str], max_keyphrases: int) -> list[CapabilityMention]:
    """Stopword-bounded 2-3 word runs outside taxonomy matches, ranked by frequency x length.

    Blank English has no parser for noun chunks; runs of content words between stopwords and
    punctuation are a cheap stand-in that surfaces terms the taxonomy does not know yet.
    """
    c = content & (np.frombuffer(bytes(taken), dtype=np.uint8) == 0)
    if c.sum() < 2:
        return []
    g0, glen = _grams(*_content_runs(a, c, sentences))
    if not len(g0):
        return []
    # A phrase is its lemma sequence; count them by a hash of the lemma hashes, without building strings.
    keys = a.lemmas[g0] * _MIX + a.lemmas[g0 + 1]
    three = np.flatnonzero(glen == 3)
    keys[three] = keys[three] * _MIX + a.lemmas[g0[three] + 2]
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    score = counts * (1 + 0.5 * (glen[first] - 1))
    # strongest first; ties by the start of the phrase's first occurrence, then by first appearance
    order = np.lexsort((first, g0[first], -score)).tolist()
    ids = a.ids
    out: list[CapabilityMention] = []
    used = bytearray(len(ids))
    n_phrases = 0
    for u in order:
        if n_phrases >= max_keyphrases:
            break
        spans = [(st, st + ln) for st, ln in zip(g0[inverse == u].tolist(), glen[inverse == u].tolist())
                 if not any(used[st:st + ln])]
        if not spans:
            continue
        n_phrases += 1
        s0, e0 = spans[0]
        phrase = " ".join([lemma_str[i] for i in ids[s0:e0].tolist()])
        for s, e in spans:
            used[s:e] = b"\x01" * (e - s)
            s_char, e_char = int(a.starts[s]), int(a.ends[e - 1])
            out.append(CapabilityMention(capability_id=KEYPHRASE_PREFIX + phrase, label=phrase,
                                         start=s_char, end=e_char, sentence=sentences.around(s_char, e_char),
                                         weight=KEYPHRASE_WEIGHT, is_keyphrase=True))
    return out


def _content_runs(a: _Analysis, c: np.ndarray, sentences: _Sentences) -> tuple[list[int], list[int]]:
    """Start and end token of each run of 2+ free content words, runs broken at sentence starts."""
    n = len(c)
    breaks = np.zeros(n + 1, dtype=bool)  # True at the first token of a sentence
    breaks[np.searchsorted(a.starts, sentences.starts)] = True
    before = np.empty(n, dtype=bool)
    before[0] = False
    before[1:] = c[:-1]
    after = np.empty(n, dtype=bool)
    after[-1] = False
    after[:-1] = c[1:]
    run_starts = np.flatnonzero(c & (~before | breaks[:n]))
    run_ends = np.flatnonzero(c & (~after | breaks[1:])) + 1
    long_runs = (run_ends - run_starts) >= 2
    return run_starts[long_runs].tolist(), run_ends[long_runs].tolist()


def _grams(r0s: list[int], r1s: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of the candidate phrases: a run of 2-3 words whole, a longer one's 3- and 2-grams."""
    gram_start: list[int] = []
    gram_len: list[int] = []
    for r0, r1 in zip(r0s, r1s):
        if r1 - r0 <= 3:
            gram_start.append(r0)
            gram_len.append(r1 - r0)
        else:  # all 3-grams, then all 2-grams of a long run
            gram_start.extend(range(r0, r1 - 2))
            gram_len.extend([3] * (r1 - r0 - 2))
            gram_start.extend(range(r0, r1 - 1))
            gram_len.extend([2] * (r1 - r0 - 1))
    return np.array(gram_start, dtype=np.intp), np.array(gram_len, dtype=np.intp)
