"""Korean text -> the same capability ids as English: curated capabilities' Korean phrases and KSIC names.

Capability ids are the interlingua between Korean problems and English evidence: "레이저 용접부의 기공"
yields core:laser-welding and core:porosity, exactly what "porosity in laser welds" yields, so capability
overlap, filters and the control tower's areas work across the two languages. Phrases are compared as
sequences of content morphemes with the affixes written onto them (matcher.korean.affixed_terms), so
particles and endings do not matter ("용접하는", "용접을", "용접") while prefixes and suffixes do (반응기 is a
reactor, not 반응, any reaction); a phrase is keyed by each way Kiwi reads it inside a sentence
(``phrase_keys``). Patterns come from data files:

* ``data/core_capabilities_ko.tsv``: a Korean label and phrases for every curated capability;
* ``data/ksic_manufacturing.csv``: the Korean Standard Industrial Classification (11th revision, Statistics
  Korea), manufacturing section, as industry vocabulary: each class name in Korean becomes a pattern of
  the id ``ksic11:<code>``, whose English name is its label.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from matcher.capabilities.text import _Sentences
from matcher.korean import (AFTER_A_MODIFIER, BEFORE_A_NOUN, Morpheme, affixed_terms, has_hangul, is_affix, is_content,
                            is_korean, join_forms, longest_matches, morphemes, object_particle, terms_within)
from matcher.types import CapabilityMention

DATA = Path(__file__).resolve().parent / "data"
CURATED_KO_PATH = DATA / "core_capabilities_ko.tsv"
KSIC_PATH = DATA / "ksic_manufacturing.csv"
#: Korean names of taxonomy nodes without a curated Korean label (top-level areas and others), shown only.
TAXONOMY_KO_PATH = DATA / "taxonomy_labels_ko.tsv"
KSIC_PREFIX = "ksic11:"
#: KSIC names end in "제조업" ("manufacture of"); the industry is named by what comes before it.
_KSIC_SUFFIXES = ("제조업", "제조", "업")


@dataclass(frozen=True)
class KoreanLabel:
    capability_id: str
    label_ko: str
    phrases: tuple[str, ...]


def read_curated_ko(path: Path = CURATED_KO_PATH) -> list[KoreanLabel]:
    """The Korean label file: id, Korean label, phrases (| separated); comment lines start with #."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or not all(p.strip() for p in parts):
                raise ValueError(f"{path}:{number}: expected id<TAB>label<TAB>phrases")
            phrases = tuple(p.strip() for p in parts[2].split("|") if p.strip())
            out.append(KoreanLabel(parts[0].strip(), parts[1].strip(), (parts[1].strip(), *phrases)))
    return out


def read_ksic(path: Path = KSIC_PATH) -> list[tuple[str, str, str]]:
    """(id, Korean name, English name) of every KSIC entry in the bundled file."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [(KSIC_PREFIX + row["code"], row["name_ko"], row["name_en"]) for row in csv.DictReader(fh)]


def _terms(found: list[Morpheme]) -> list[tuple[str, Morpheme]]:
    """The morphemes that take part in matching, with their forms as compared: Korean content morphemes with
    their prefixes, suffixes and nominalising ending, and foreign words and numbers (lower case)."""
    return _compared(affixed_terms(found, foreign=True, nominalised=True))


def _compared(terms: list[Morpheme]) -> list[tuple[str, Morpheme]]:
    """(form as compared, morpheme): Latin letters in lower case, as the phrases' keys have them."""
    return [(m.form.lower(), m) for m in terms]


def _joined(terms: Iterable[tuple[str, Morpheme]]) -> str:
    """The forms written together, as a key (a final-consonant Jamo composed onto its syllable)."""
    joined = ""
    for form, _ in terms:
        joined = join_forms(joined, form)
    return joined


#: Words of a phrase that name nothing (the enumerations of KSIC and of the capabilities' labels).
_LINKING_WORDS = frozenset({"및", "그", "외"})


def _carriers(phrase: str) -> tuple[tuple[str, str], ...]:
    """(before, after): where a phrase is read to key it, before a noun, inside a noun phrase and as an object
    (as a subject too added no key to the 1,100 phrases). Not alone: Kiwi reads a phrase alone as the end of
    a sentence (피막 = 피 + 막, blood + "just"; 유동 해석 = 유동 + 하 + 어서; 풀림 = the verb 풀리 + an ending)."""
    return ("", BEFORE_A_NOUN), (AFTER_A_MODIFIER, BEFORE_A_NOUN), ("", object_particle(phrase))


def phrase_keys(phrase: str) -> list[str]:
    """Every distinct way Kiwi reads ``phrase`` inside a sentence, joined: a text reads it one of those ways
    (금형 as one noun or as 금 + 형). A reading that drops an ending (풀리 of 풀림) or leaves part of the
    phrase out (황동 as 황 + the determiner 동) names something else: readings spelt as the phrase are the
    keys; if there is none, the readings that span the phrase (else the longest one) and the phrase's own
    spelling, which a text that Kiwi reads whole has (절삭 가공 is 절 + 삭 + 가공 in the carriers, 절삭 +
    가공 in other sentences)."""
    readings = [_compared(terms_within(phrase, before, after, foreign=True, nominalised=True))
                for before, after in _carriers(phrase)]
    spelt = _compact(phrase).lower()
    keys = [_joined(r) for r in readings if _compact(_joined(r)) == spelt]
    if not keys:
        keys = [_joined(r) for r in readings if r and _covers(r, phrase)] or [
            _joined(max(readings, key=lambda r: sum(m.end - m.start for _, m in r)))]
        words = phrase.split()
        if spelt.isalnum() and not _LINKING_WORDS.intersection(words) and min(map(len, words)) > 1:
            keys.append(spelt)  # not for a word of one syllable: 모 방적 (wool spinning) is not 모방적 (imitative)
    return [k for k in dict.fromkeys(keys) if k]


def _compact(text: str) -> str:
    return text.replace(" ", "")


def _covers(terms: list[tuple[str, Morpheme]], phrase: str) -> bool:
    """Whether the morphemes span every letter of ``phrase`` (spaces, punctuation and 및 aside)."""
    covered = set()
    for _, m in terms:
        covered.update(range(m.start, m.end))
    exempt = set()
    for word in re.finditer(r"\S+", phrase):
        if word.group() in _LINKING_WORDS:
            exempt.update(range(word.start(), word.end()))
    return all(i in covered or i in exempt for i, ch in enumerate(phrase) if ch.isalnum())


#: A pattern spans at most this many morphemes of a text (affixes counted).
MAX_PATTERN_MORPHEMES = 10


class KoreanCapabilityMatcher:
    """Longest match of morpheme runs; a curated capability wins a tie with a KSIC industry.

    Runs are compared by their morphemes written together ("금속 절삭기계" = "금속절삭기계"): Kiwi splits a
    compound noun differently alone and in a sentence (절삭기계 / 절삭 + 기계), and Koreans write such
    compounds with or without spaces.
    """

    def __init__(self, curated: list[KoreanLabel], ksic: list[tuple[str, str, str]], labels: dict[str, str],
                 shown: dict[str, str] | None = None) -> None:
        """``shown``: Korean names of other taxonomy nodes (top-level areas and others), never matched in text."""
        self.labels = dict(labels)
        self.korean_labels: dict[str, str] = {c.capability_id: c.label_ko for c in curated}
        #: every Korean name of a curated capability (label and phrases), for a Korean person's search
        self.korean_names: dict[str, tuple[str, ...]] = {c.capability_id: (c.label_ko, *c.phrases) for c in curated}
        self._patterns: dict[str, tuple[int, str]] = {}
        for rank, (cid, phrases) in enumerate([(c.capability_id, c.phrases) for c in curated]
                                              + [(i, (_ksic_stem(ko),)) for i, ko, _ in ksic
                                                 if not _loses_word_start(_ksic_stem(ko))]):
            for phrase in phrases:
                self._add(phrase, cid, rank)
        for cid, name_ko, name_en in ksic:
            self.labels.setdefault(cid, name_en)
            self.korean_labels.setdefault(cid, name_ko)
        for cid, name_ko in (shown or {}).items():
            self.korean_labels.setdefault(cid, name_ko)
        self._longest = max((len(k) for k in self._patterns), default=0)  # in characters

    def _add(self, phrase: str, cid: str, rank: int) -> None:
        if not has_hangul(phrase):
            return  # the English extractor finds Latin-script phrases ("CAD") in any text
        for key in phrase_keys(phrase):
            if key not in self._patterns or self._patterns[key][0] > rank:
                self._patterns[key] = (rank, cid)

    def patterns(self) -> dict[str, str]:
        """Joined content morphemes -> capability id, as matched (what cross-language search names in English)."""
        return {key: cid for key, (_, cid) in self._patterns.items()}

    def extract(self, text: str) -> list[CapabilityMention]:
        """Mentions in a text with Hangul, in text order, offsets into ``text``; [] otherwise."""
        if not has_hangul(text):
            return []
        terms = _terms(morphemes(text))
        sentences = _Sentences(text)
        out = []
        for i, length, cid in longest_matches(len(terms), lambda at: self._longest_at(terms, at)):
            start, end = terms[i][1].start, terms[i + length - 1][1].end
            out.append(CapabilityMention(capability_id=cid, label=self.labels.get(cid, cid), start=start, end=end,
                                         sentence=sentences.around(start, end)))
        return out

    def _longest_at(self, terms: list[tuple[str, Morpheme]], i: int) -> tuple[int, str] | None:
        """(morphemes covered, capability id) of the longest pattern starting at ``terms[i]``; none starts at a
        suffix (the end of the word before it)."""
        if is_affix(terms[i][1]):
            return None
        best = None
        joined = ""
        for length in range(1, min(MAX_PATTERN_MORPHEMES, len(terms) - i) + 1):
            joined = join_forms(joined, terms[i + length - 1][0])
            if len(joined) > self._longest:
                break
            found = self._patterns.get(joined)
            if found is not None:
                best = (length, found[1])
        return best


def _ksic_stem(name_ko: str) -> str:
    """"금속 절삭기계 제조업" -> "금속 절삭기계": the product, without "manufacture of" or a "(... 제외)" note."""
    stem = re.sub(r"\([^)]*\)", " ", name_ko).strip()
    for suffix in _KSIC_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
            return stem[: -len(suffix)].strip()
    return stem


def _loses_word_start(phrase: str) -> bool:
    """Whether Kiwi reads the start of a word of ``phrase`` as a prefix or determiner that matching drops.

    Such a KSIC name would match as another industry, often the opposite one: "석제품" (stone products)
    as "제품" (any product), "비철금속" (non-ferrous) as "철금속", "한의약품" (herbal) as "의약품"; 29 of
    the 2,038 names, whose parent and sibling classes still match.
    """
    found = morphemes(phrase)
    for n, (first, then) in enumerate(zip(found, found[1:])):
        word_start = n == 0 or found[n - 1].end < first.start
        if word_start and is_korean(first) and not is_content(first) and first.end == then.start and is_content(then):
            return True
    return False


def build_korean_matcher(labels: dict[str, str]) -> KoreanCapabilityMatcher:
    """The matcher over the bundled files; ``labels``: capability id -> English label (the taxonomy's)."""
    ksic = read_ksic() if KSIC_PATH.is_file() else []
    return KoreanCapabilityMatcher(read_curated_ko(), ksic, labels, read_taxonomy_labels())


def read_taxonomy_labels(path: Path = TAXONOMY_KO_PATH) -> dict[str, str]:
    """Taxonomy node id -> Korean name."""
    return dict(read_pairs(path, "id<TAB>Korean label"))


def read_pairs(path: Path, expected: str) -> list[tuple[str, str]]:
    """The two tab-separated columns of a bundled file (# comments and blank lines skipped); a malformed line
    is an error naming the file, the line and ``expected``."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise ValueError(f"{path}:{number}: expected {expected}")
            out.append((parts[0].strip(), parts[1].strip()))
    return out
