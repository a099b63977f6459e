"""Korean problem text -> English search words, so the English BM25 path can find English evidence.

A Korean problem shares no words with an English abstract; the words it means can be named in English
from three vocabularies, longest match first over kiwipiepy content morphemes (particles and endings
ignored, a compound compared with its spaces removed, as matcher/capabilities/korean.py does). Prefixes
and noun suffixes stay in a glossary key (``_key``): they change the meaning ("비파괴" nondestructive is
not "파괴" fracture, "반응기" reactor not "반응" reaction, "내식성" is not "식성"); a run of the text is
looked up with them first, then without them (the capabilities' keys, and glossary words written bare):

* the curated capabilities' Korean phrases -> their English label and synonyms (capability ids are the
  interlingua: core_capabilities_ko.tsv and core_capabilities.tsv share them);
* KSIC manufacturing class names in Korean -> their official English names ("Manufacture of" dropped);
* ``data/glossary_ko_en.tsv``: a bilingual science and manufacturing glossary written for InnoBridge.

Latin-script words in the Korean text (CNC, IoT, GaN) are left to the ordinary analysis.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from matcher.capabilities.korean import CURATED_KO_PATH, read_ksic, read_pairs
from matcher.korean import (AFTER_A_MODIFIER, BEFORE_A_NOUN, Morpheme, affixed_terms, has_hangul, is_affix, is_content,
                            longest_matches, morphemes, object_particle, terms_within)

GLOSSARY_PATH = Path(__file__).resolve().parent / "data" / "glossary_ko_en.tsv"
CURATED_EN_PATH = CURATED_KO_PATH.with_name("core_capabilities.tsv")
#: KSIC patterns shorter than this (joined morphemes) are too generic to name an industry.
MIN_KSIC_KEY_CHARS = 3
#: A pattern spans at most this many morphemes (affixes counted).
MAX_MORPHEMES = 8
#: British spellings in the curated synonyms and the American ones most US evidence writes.
_AMERICAN = ((r"aluminium", "aluminum"), (r"isation", "ization"), (r"fibre", "fiber"), (r"mould", "mold"),
             (r"colour", "color"), (r"sulph", "sulf"), (r"metre", "meter"))
_lock = threading.Lock()
_vocabulary: "Vocabulary | None" = None


@dataclass(frozen=True)
class Translation:
    """The English words found for a Korean text, and which Korean spans they came from."""

    english: tuple[str, ...]
    spans: tuple[tuple[int, int, str], ...]  # (start, end, English) per matched Korean run

    @property
    def text(self) -> str:
        return " ".join(self.english)


def read_glossary(path: Path = GLOSSARY_PATH) -> list[tuple[str, str]]:
    """(Korean, English) pairs; a malformed line is an error naming the file and line."""
    return read_pairs(path, "korean<TAB>english")


def _curated_english(path: Path = CURATED_EN_PATH) -> dict[str, str]:
    """capability id -> its first synonym (the plain name; else the label) and its American spelling.

    Not the label: "Porosity and defects", "Batteries and energy storage" add broad words ("defects",
    "energy") that a Korean "기공" or "배터리" does not say (the coating and machining researchers of
    tests/matching rose above a welder on "alloys" from "Aluminium alloys").
    """
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            synonyms = [s.strip() for s in (parts[3] if len(parts) > 3 else "").split("|") if s.strip()]
            first = synonyms[0] if synonyms else parts[1].strip()
            american = first
            for british, us in _AMERICAN:
                american = re.sub(british, us, american)
            out[parts[0].strip()] = first if american == first else f"{first} {american}"
    return out


def _terms(text: str) -> list[Morpheme]:
    """Content morphemes with the prefixes (and Latin letters) before them and the noun suffixes after them,
    in text order."""
    return affixed_terms(morphemes(text))


def _key(phrase: str) -> str:
    """A glossary phrase as matched: its content morphemes and their affixes, joined."""
    return "".join(m.form for m in _terms(phrase))


def _keys(phrase: str) -> list[str]:
    """The phrase's longest key among Kiwi's readings of it alone, before a noun, inside a noun phrase and
    as an object (열 alone is the number ten, 열을 is heat): a shorter reading names only part of the
    phrase (마이크 of 마이크로 is a microphone, 피 of 피막 is blood), so it is not a key."""
    verb = _verb_key(phrase)
    if verb:
        return [verb]
    readings = [_key(phrase), _key_within(phrase, "", BEFORE_A_NOUN),
                _key_within(phrase, AFTER_A_MODIFIER, BEFORE_A_NOUN)]
    if has_hangul(phrase):
        readings.append(_key_within(phrase, "", object_particle(phrase)))
    longest = max(len(_compact(k)) for k in readings)
    keys = [k for k in dict.fromkeys(readings) if k and len(_compact(k)) == longest]
    whole = [k for k in keys if _compact(k) == _compact(phrase)]
    return whole or keys  # 빔, not 비 (as in 비 + ㅁ), when both are as long


def _compact(text: str) -> str:
    """Without spaces: Kiwi may read a compound as one morpheme written with a space (질화 갈륨)."""
    return text.replace(" ", "")


def _verb_key(phrase: str) -> str:
    """The stem of a verb or adjective written in its dictionary form (줄이다 -> 줄이, 높다 -> 높), else "".

    Kiwi reads a dictionary form alone as a noun + the copula (줄 + 이다); with a connective ending in
    place of 다 it reads the stem a text has (줄이고 -> 줄이 + 고).
    """
    if not phrase.endswith("다") or " " in phrase:
        return ""
    found = _terms(phrase[:-1] + "고")
    if found and found[-1].tag.startswith(("VV", "VA")) and found[-1].end == len(phrase) - 1:
        return "".join(m.form for m in found)
    return ""


def _key_within(phrase: str, before: str, after: str) -> str:
    """The phrase's key as Kiwi reads it between ``before`` and ``after``."""
    return "".join(m.form for m in terms_within(phrase, before, after))


class Vocabulary:
    """Joined content morphemes -> English words; the earlier source wins a tie (curated, KSIC, glossary)."""

    def __init__(self, pairs: list[tuple[str, str]], keyed: dict[str, str] | None = None) -> None:
        """``pairs``: (Korean, English) to analyse, the glossary; ``keyed``: patterns already analysed (the
        capabilities'). The glossary wins on an equal key: it is written word by word, while a capability
        phrase cut to its stems can collide with an everyday word ("풀림" annealing vs "풀려요" comes loose)."""
        self._patterns: dict[str, str] = dict(keyed or {})
        glossary: set[str] = set()
        for korean, english in pairs:
            for key in _keys(korean):
                if key not in glossary:  # the first glossary line of a key wins
                    self._patterns[key] = english
                    glossary.add(key)
        self._longest = max((len(k) for k in self._patterns), default=0)

    def __len__(self) -> int:
        return len(self._patterns)

    def translate(self, text: str) -> Translation:
        """English words for the Korean in ``text`` (repeats dropped, text order)."""
        if not has_hangul(text):
            return Translation((), ())
        terms = _terms(text)
        spans = tuple((terms[i].start, terms[i + length - 1].end, words)
                      for i, length, words in longest_matches(len(terms), lambda at: self._longest_at(terms, at)))
        return Translation(tuple(dict.fromkeys(words for _, _, words in spans)), spans)

    def _longest_at(self, terms: list[Morpheme], i: int) -> tuple[int, str] | None:
        """The longest pattern starting at ``terms[i]``: with its affixes first, else its content alone."""
        if is_affix(terms[i]):
            return None  # the end of the previous word, not the start of a term
        best, full, bare = None, "", ""
        for length in range(1, min(MAX_MORPHEMES, len(terms) - i) + 1):
            term = terms[i + length - 1]
            full += term.form
            bare += term.form if is_content(term) else ""
            if len(bare) > self._longest:
                break
            words = self._patterns.get(full) or (self._patterns.get(bare) if bare and is_content(term) else None)
            if words:
                best = (length, words)
        return best


def _ksic_english(name_en: str) -> str:
    return re.sub(r"^(manufacture|manufacturing) of\s+", "", name_en.strip(), flags=re.I)


def build_vocabulary() -> Vocabulary:
    """The three bundled vocabularies in priority order.

    The curated and KSIC phrases come already analysed from the capability extractor's Korean matcher
    (which a Korean problem builds anyway), so only the glossary is analysed here: the first Korean
    search of a process pays for each phrase once.
    """
    from matcher.capabilities.extractor import get_extractor

    curated = _curated_english()
    patterns, labels = get_extractor().korean_patterns()
    keyed = {}
    for key, cid in patterns.items():
        if cid.startswith("ksic11:") and len(key) < MIN_KSIC_KEY_CHARS:
            continue  # a KSIC stem of two syllables ("장" soy sauce, "책") is an everyday word as often
        if len(key) < 2:
            continue  # a capability key of one syllable is an everyday word as often
        english = curated.get(cid) or _ksic_english(labels.get(cid, ""))
        if english:
            keyed[key] = english
    return Vocabulary(read_glossary(), keyed)


def vocabulary() -> Vocabulary:
    """The process's vocabulary, built on the first Korean query (~1 s: Kiwi analyses every phrase)."""
    global _vocabulary
    if _vocabulary is None:
        with _lock:
            if _vocabulary is None:
                _vocabulary = build_vocabulary()
    return _vocabulary


def english_for(text: str) -> Translation:
    """English words meaning the Korean of ``text`` (empty without Hangul)."""
    return vocabulary().translate(text) if has_hangul(text) else Translation((), ())


__all__ = ["Translation", "Vocabulary", "english_for", "read_glossary", "read_ksic", "vocabulary"]
