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
import unicodedata
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


#: Kiwi's tags of a noun prefix (고-, 저-, 초-, 비-, 재-), a noun suffix (-성, -화, -기, -형, -층), the ending that
#: makes a verb a noun (풀리 + ㅁ: 풀림, annealing, is not 풀리다, to come loose), Latin letters and numbers.
PREFIX, SUFFIX, NOMINALISER, LATIN, NUMBER = "XPN", "XSN", "ETN", "SL", "SN"
#: The plural suffix carries no meaning of its own.
PLURAL = "들"


def affixed_terms(found: list[Morpheme], foreign: bool = False, nominalised: bool = False) -> list[Morpheme]:
    """Content morphemes with what is written onto them and changes their meaning, in text order: prefixes and
    Latin letters before them (비파괴 is not 파괴, X선 is not 선), noun suffixes after them (반응기 is not
    반응). With ``nominalised``, the ending that makes a verb a noun too (풀림, annealing, is not 풀리다, to
    come loose; join the forms with ``join_forms``); with ``foreign``, Latin words and numbers standing alone
    (the capability phrases name "3D 프린팅", the glossary leaves them to the English analysis).

    Keeping the affixes makes a word read two ways by Kiwi join to the same key (금형 as one noun or as
    금 + 형, 고분자 as one noun or as 고 + 분자)."""
    out: list[Morpheme] = []
    for n, m in enumerate(found):
        following = found[n + 1] if n + 1 < len(found) else None
        after_kept = bool(out) and n > 0 and out[-1] is found[n - 1]
        if is_content(m):
            out.append(m)
        elif m.tag == PREFIX and following is not None and is_content(following):
            out.append(m)
        elif m.tag == PREFIX and after_kept and m.start == found[n - 1].end:
            out.append(m)  # written onto the word before: Kiwi reads 복합재 재활용 as 복합 + 재 + 재 + 활용
        elif m.tag == LATIN and following is not None and is_content(following) and m.end == following.start:
            out.append(m)
        elif m.tag == SUFFIX and m.form != PLURAL and after_kept:
            out.append(m)
        elif nominalised and m.tag == NOMINALISER and after_kept and found[n - 1].tag.startswith(("VV", "VA")):
            out.append(m)
        elif foreign and m.tag in (LATIN, NUMBER):
            out.append(m)
    return out


#: Kiwi writes the nominalising ㅁ as a final-consonant Jamo (풀리 + ᆷ); composed onto the syllable before it,
#: the key is the noun as Kiwi reads it elsewhere (풀림 as one noun).
_FINAL_JAMO = ("\u11a8", "\u11c2")


def join_forms(joined: str, form: str) -> str:
    """``joined`` + ``form``, a final-consonant Jamo composed onto the syllable before it where it can be."""
    if form and _FINAL_JAMO[0] <= form[0] <= _FINAL_JAMO[1]:
        return unicodedata.normalize("NFC", joined + form)
    return joined + form


def is_affix(morpheme: Morpheme) -> bool:
    """A suffix or ending kept by ``affixed_terms``: the end of the word before it, never the start of a term."""
    return morpheme.tag in (SUFFIX, NOMINALISER)


#: Kiwi reads a phrase alone as the end of a sentence, where a last syllable can pass for a particle or
#: an ending (마이크로 = 마이크 + 로, 피막 = 피 + 막, 유동 해석 = 유동 + 하 + 어서); before a noun it reads the
#: phrase as in a text.
BEFORE_A_NOUN = " 기술"
#: Some words it reads whole only inside a noun phrase: 단결정 alone, before a noun or with a particle is
#: the determiner 단 + 결정 (crystal, or decision), after a modifier the noun single crystal.
AFTER_A_MODIFIER = "새로운 "


def object_particle(phrase: str) -> str:
    """을 after a final consonant, 를 after a vowel."""
    last = phrase[-1]
    has_final = "가" <= last <= "힣" and (ord(last) - ord("가")) % 28 != 0
    return "을" if has_final else "를"


def terms_within(phrase: str, before: str, after: str, foreign: bool = False,
                 nominalised: bool = False) -> list[Morpheme]:
    """``affixed_terms`` of ``phrase`` as Kiwi reads it between ``before`` and ``after``, offsets into ``phrase``."""
    start, end = len(before), len(before) + len(phrase)
    found = affixed_terms(morphemes(before + phrase + after), foreign, nominalised)
    return [m._replace(start=m.start - start, end=m.end - start) for m in found if m.start >= start and m.end <= end]


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
