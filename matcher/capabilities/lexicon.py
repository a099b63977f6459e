"""The extractor's token lexicon: per distinct token its lemma and flags, and a text's tokens as arrays over it.

Kept apart from matching because it is the hot, cached part: lemmatisation by table look-up and
tokenisation happen once per distinct chunk, and a text becomes numpy arrays (ids, offsets, lemma
hashes) that the pattern trie and the keyphrase finder both read.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from matcher.capabilities.text import _TOKEN

# The lookup table maps "machining"/"machined" to "machine", which would make every "machine" a
# machining mention (and "machine learning" too); keep the manufacturing sense apart.
LEMMA_OVERRIDES = {"machining": "machining", "machined": "machining", "micromachining": "micromachining",
                   "ground": "ground", "grounds": "ground"}

# Words that make an n-gram a poor keyphrase: proposal boilerplate and vague nouns.
KEYPHRASE_STOP = frozenset(
    """project projects research proposal proposed phase sbir sttr program programs award awards team company
    companies nsf work results result broader impact impacts intellectual merit students student graduate
    undergraduate university universities faculty outreach education educational goal goals objective objectives
    approach approaches technology technologies new novel use used using based method methods study studies
    system systems data high low large small important significant potential current future different various
    also well time first second one two three year years way ways number level levels activity activities
    innovation innovative commercial commercialization market markets application applications develop
    developed developing development provide provides will can may could would able including include
    opportunity opportunities state art significantly problem problems need needs present key plan
    effort efforts task tasks support science engineering manufacturing performance capability capabilities""".split()
)

_MIX = np.uint64(0x9E3779B97F4A7C15)  # combines two lemma hashes into one key (wrapping arithmetic)
_MAX_LEXICON = 1_000_000  # distinct (token, followed-by-space) entries before the caches start over


class _Lexicon:
    """Per distinct lowercase token: lemma, and whether it can be part of a keyphrase.

    Entries are keyed by (token, followed by one whitespace character): the second flag lets the offsets
    of all tokens of a whitespace-normalised text come out of one cumulative sum. `chunks` caches the
    tokenisation of whitespace-separated chunks ("welding," -> ids of "welding", ","), the way spaCy's
    tokenizer caches them, so a text costs a str.split(), one dict look-up per chunk and one bytes.join.
    """

    def __init__(self, key: Callable[[str], int], table: Mapping[str, str], stop_words: frozenset[str]) -> None:
        self.key = key  # lemma -> its 64-bit key (english_data.string_key)
        self.table = table
        self.stop_words = stop_words
        #: lemma hash -> its code in the extractor's patterns (set by the extractor); other lemmas are 0
        self.codes: dict[int, int] = {}
        self.reset()

    def reset(self) -> None:
        self.ids: dict[tuple[str, bool], int] = {}
        self.lemma_str: list[str] = []
        self.size = 0
        self.lemma_hash = np.zeros(1024, dtype=np.uint64)
        self.content = np.zeros(1024, dtype=bool)
        self.code = np.zeros(1024, dtype=np.dtype("<u4"))  # little-endian: read as UTF-32-LE
        self.length = np.zeros(1024, dtype=np.int64)
        self.advance = np.zeros(1024, dtype=np.int64)
        self.chunks = _ChunkCache(self)
        self._lemmas: dict[str, str] = {}

    def lemma(self, word: str) -> str:
        lemma = self._lemmas.get(word)
        if lemma is None:
            lemma = LEMMA_OVERRIDES.get(word) or self.table.get(word, word)
            self._lemmas[word] = lemma
        return lemma

    def entry(self, word: str, spaced: bool) -> int:
        key = (word, spaced)
        i = self.ids.get(key)
        if i is not None:
            return i
        i = self.size
        if i == len(self.lemma_hash):
            n = 2 * i
            for name in ("lemma_hash", "content", "code", "length", "advance"):
                old = getattr(self, name)
                new = np.zeros(n, dtype=old.dtype)
                new[:i] = old
                setattr(self, name, new)
        lemma = self.lemma(word)
        h = self.key(lemma)
        self.lemma_hash[i] = h
        self.code[i] = self.codes.get(h, 0)
        self.content[i] = (word.isalpha() and len(word) > 2 and word not in self.stop_words
                           and lemma not in KEYPHRASE_STOP)
        self.length[i] = len(word)
        self.advance[i] = len(word) + spaced
        self.lemma_str.append(lemma)
        self.ids[key] = i
        self.size = i + 1
        return i

    def chunk(self, chunk: str) -> tuple[int, ...]:
        """Ids of the tokens of one whitespace-free chunk, the last one marked as followed by a space."""
        words = _TOKEN.findall(chunk)
        return tuple(self.entry(w, j == len(words) - 1) for j, w in enumerate(words))

    def analyse(self, lowered: str) -> _Analysis | None:
        """Token ids and offsets. Whitespace-normalised text (single separators) takes the fast path."""
        if self.size > _MAX_LEXICON:
            self.reset()
        chunks = lowered.split()
        if not chunks:
            return None
        lead = len(lowered) - len(lowered.lstrip())
        core = len(lowered.rstrip()) - lead
        if core == sum(map(len, chunks)) + len(chunks) - 1:
            ids = np.frombuffer(b"".join(map(self.chunks.__getitem__, chunks)), dtype=np.intp)
            adv = self.advance[ids]
            starts = np.cumsum(adv) - adv + lead
        else:
            matches = list(_TOKEN.finditer(lowered))
            ids = np.array([self.entry(m.group(), False) for m in matches], dtype=np.intp)
            starts = np.array([m.start() for m in matches], dtype=np.int64)
        if not len(ids):
            return None
        return _Analysis(ids=ids, starts=starts, ends=starts + self.length[ids], lemmas=self.lemma_hash[ids])


class _ChunkCache(dict):
    """chunk -> its token ids as the bytes of an intp array, so a text's ids are one bytes.join away;
    a miss tokenises the chunk (dict subclass, so map(cache.__getitem__) stays in C)."""

    def __init__(self, lexicon: _Lexicon) -> None:
        super().__init__()
        self.lexicon = lexicon

    def __missing__(self, chunk: str) -> bytes:
        got = self[chunk] = np.asarray(self.lexicon.chunk(chunk), dtype=np.intp).tobytes()
        return got


@dataclass
class _Analysis:
    """One text's tokens as arrays over the lexicon: ids, character offsets."""

    ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    lemmas: np.ndarray  # lemma hashes
