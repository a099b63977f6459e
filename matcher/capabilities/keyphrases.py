"""Out-of-taxonomy keyphrases: salient 2-3 word runs the taxonomy does not know yet.

Kept apart from taxonomy matching because it is a separate, optional pass (CapabilityExtractor's
`keyphrases` flag) over the tokens no capability took, with its own ranking and its own mention weight.
"""
from __future__ import annotations

from bisect import bisect_left

import numpy as np

from matcher.capabilities.lexicon import _MIX, _Analysis
from matcher.capabilities.text import _Sentences

KEYPHRASE_PREFIX = "kp:"
KEYPHRASE_WEIGHT = 0.5
# Phrase keys wrap like the uint64 arithmetic they were first computed with, so phrases count as before.
_MASK = (1 << 64) - 1
_MIX_INT = int(_MIX)


def find_keyphrases(a: _Analysis, content: np.ndarray, taken: bytearray, sentences: _Sentences,
                    lemma_str: list[str], max_keyphrases: int) -> list[tuple[int, int, str, str, float, bool]]:
    """Stopword-bounded 2-3 word runs outside taxonomy matches, ranked by frequency x length.

    Returned as the extractor's spans (start, end, id, label, weight, True), sentences left to the caller.
    Blank English has no parser for noun chunks; runs of content words between stopwords and
    punctuation are a cheap stand-in that surfaces terms the taxonomy does not know yet. Past the free
    tokens, plain Python over lists: a text has a few hundred tokens, too few for numpy's per-call cost.
    """
    free = np.flatnonzero(content & (np.frombuffer(bytes(taken), dtype=np.uint8) == 0)).tolist()
    if len(free) < 2:
        return []
    grams = _grams(_content_runs(free, a.starts.tolist(), sentences.starts))
    if not grams:
        return []
    lemmas = a.lemmas.tolist()
    # A phrase is its lemma sequence; count them by a hash of the lemma hashes, without building strings.
    by_key: dict[int, list[int]] = {}  # key -> indexes into grams, in gram order
    for g, (start, length) in enumerate(grams):
        key = (lemmas[start] * _MIX_INT + lemmas[start + 1]) & _MASK
        if length == 3:
            key = (key * _MIX_INT + lemmas[start + 2]) & _MASK
        by_key.setdefault(key, []).append(g)
    # strongest first (count x (1 + (length - 1) / 2)); ties by the start of the phrase's first
    # occurrence, then by its first appearance among the grams
    order = sorted(by_key.values(), key=lambda gs: (-(len(gs) * (1 + 0.5 * (grams[gs[0]][1] - 1))),
                                                    grams[gs[0]][0], gs[0]))
    ids = a.ids
    out: list[tuple[int, int, str, str, float, bool]] = []
    used = bytearray(len(ids))
    n_phrases = 0
    for members in order:
        if n_phrases >= max_keyphrases:
            break
        spans = [(st, st + ln) for st, ln in (grams[g] for g in members) if not any(used[st:st + ln])]
        if not spans:
            continue
        n_phrases += 1
        s0, e0 = spans[0]
        phrase = " ".join([lemma_str[i] for i in ids[s0:e0].tolist()])
        cid = KEYPHRASE_PREFIX + phrase
        for s, e in spans:
            used[s:e] = b"\x01" * (e - s)
            out.append((int(a.starts[s]), int(a.ends[e - 1]), cid, phrase, KEYPHRASE_WEIGHT, True))
    return out


def _content_runs(free: list[int], starts: list[int], sentence_starts: list[int]) -> list[tuple[int, int]]:
    """(start, end) token of each run of 2+ free content words (`free`: their token indexes, ascending),
    runs broken at the first token of each sentence."""
    breaks = {bisect_left(starts, s) for s in sentence_starts}
    runs = []
    r0 = prev = free[0]
    for i in free[1:]:
        if i != prev + 1 or i in breaks:
            if prev + 1 - r0 >= 2:
                runs.append((r0, prev + 1))
            r0 = i
        prev = i
    if prev + 1 - r0 >= 2:
        runs.append((r0, prev + 1))
    return runs


def _grams(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, length) of the candidate phrases: a run of 2-3 words whole, a longer one's 3- and 2-grams."""
    grams: list[tuple[int, int]] = []
    for r0, r1 in runs:
        if r1 - r0 <= 3:
            grams.append((r0, r1 - r0))
        else:  # all 3-grams, then all 2-grams of a long run
            grams.extend((s, 3) for s in range(r0, r1 - 2))
            grams.extend((s, 2) for s in range(r0, r1 - 1))
    return grams
