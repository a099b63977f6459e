"""Korean morphology with kiwipiepy: the content morphemes of a text, for the index and the extractor.

Korean writes particles and endings onto words ("용접부에서" = 용접부 + 에서), so whitespace words
rarely repeat between two texts; indexing the morphemes (nouns, verb and adjective stems) makes
"용접" in a problem match "용접하는" in an abstract. Kiwi's model ships in the kiwipiepy_model wheel
(nothing is downloaded); it takes ~3 s and ~100 MB to load, so it is loaded on the first text that
holds Hangul, and text without Hangul never pays for it (``has_hangul`` is one regex search).
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

#: Hangul syllables, Jamo and compatibility Jamo.
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
#: Kiwi tags kept as index terms: common and proper nouns, roots, verb and adjective stems (regular and
#: irregular). Particles (J*), endings (E*), affixes (XP/XS), bound nouns, pronouns, numerals, adverbs
#: and auxiliary verbs carry no topic.
CONTENT_TAGS = frozenset({"NNG", "NNP", "XR", "VV", "VA", "VV-R", "VV-I", "VA-R", "VA-I"})
#: Tags of Korean morphemes; anything else Kiwi returns (SL foreign words, SN numbers, SH Hanja, S*
#: punctuation, W_* URLs and e-mails) is left in place for the ordinary analysis.
#: The commonest stems ("하다", "있다", "되다", "없다", "않다", "같다"): in nearly every sentence, like
#: English stop words, so not indexed.
STOP_STEMS = frozenset({"하", "있", "되", "없", "않", "같"})
_KOREAN_TAG_PREFIXES = ("N", "V", "M", "I", "J", "E", "X", "Z")

_lock = threading.Lock()
_kiwi: Any = None
T = TypeVar("T")


class Morpheme(NamedTuple):
    form: str
    tag: str
    start: int
    end: int


def has_hangul(text: str | None) -> bool:
    """Whether ``text`` holds any Hangul, i.e. whether Korean analysis has anything to do.

    An ASCII string (CPython knows it without a scan) has none: the regex search over a 2,400-character
    abstract cost ~60 us (a tenth of its extraction), and most English texts are plain ASCII."""
    if not text or text.isascii():
        return False
    return _HANGUL.search(text) is not None


def _analyser() -> Any:
    """The process's Kiwi, loaded on first use (its model comes from the installed wheel)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                _kiwi = Kiwi()
    return _kiwi


def morphemes(text: str) -> list[Morpheme]:
    """Kiwi's morphemes of ``text`` with character offsets into it; [] for text without Hangul."""
    if not has_hangul(text):
        return []
    tokens = _analyser().tokenize(text)
    return [Morpheme(t.form, t.tag, t.start, t.start + t.len) for t in tokens]


def longest_matches(count: int, longest_at: Callable[[int], "tuple[int, T] | None"]) -> Iterator[tuple[int, int, T]]:
    """(start, length, value) of the longest match at each of ``count`` morphemes, left to right, a match's
    morphemes never starting another (how the extractor and the glossary both read a Korean text)."""
    i = 0
    while i < count:
        hit = longest_at(i)
        if hit is None:
            i += 1
            continue
        length, value = hit
        yield i, length, value
        i += length


def is_korean(morpheme: Morpheme) -> bool:
    """Whether Kiwi tagged a Korean morpheme (not a foreign word, number, symbol or URL it passed through)."""
    return morpheme.tag.startswith(_KOREAN_TAG_PREFIXES)


def is_content(morpheme: Morpheme) -> bool:
    """A noun, root or verb/adjective stem other than the commonest few."""
    return morpheme.tag in CONTENT_TAGS and morpheme.form not in STOP_STEMS


def content_terms(text: str) -> list[str]:
    """The nouns and verb/adjective stems of the Korean in ``text``, in order (repeats kept)."""
    return [m.form for m in morphemes(text) if is_content(m)]


def term_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of each content morpheme, offsets into ``text``: what evidence highlighting needs
    to mark "용접부에서" for a query term "용접" (the word's span runs from its first morpheme)."""
    return [(m.start, m.end, m.form) for m in morphemes(text) if is_content(m)]


def segment(text: str) -> str:
    """``text`` with each Korean word replaced by its content morphemes, everything else untouched.

    "CNC 가공장비를 사용하는 laser welding" -> "CNC 가공 장비 사용 laser welding": English words,
    numbers and punctuation stay where they were, so the English analysis that follows sees them as
    before; text without Hangul is returned as it is.
    """
    if not has_hangul(text):
        return text
    return _segmented(text) if len(text) <= MAX_CACHED_CHARS else "".join(_segmented_pieces(text, morphemes(text)))


#: Texts up to this long are segmented through a small cache: one Korean problem is analysed for each of
#: the ~10 searches of a match() (documents, profiles, own documents), ~5 ms of Kiwi each time.
MAX_CACHED_CHARS = 5_000


@lru_cache(maxsize=128)
def _segmented(text: str) -> str:
    return "".join(_segmented_pieces(text, morphemes(text)))


def _segmented_pieces(text: str, found: list[Morpheme]) -> Iterator[str]:
    cursor = 0
    for m in found:
        if not is_korean(m):
            continue  # stays in the gap copied from the original text
        if m.start > cursor:
            yield text[cursor:m.start]
        yield f" {m.form} " if is_content(m) else " "
        cursor = max(cursor, m.end)
    yield text[cursor:]


def warm_up() -> None:
    """Load Kiwi now (a web worker can call this at start so the first Korean query does not wait)."""
    _analyser()
