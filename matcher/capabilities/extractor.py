"""Text -> capability mentions with evidence spans, shared by ingest (documents) and matching (problems).

Patterns matched on lemmas (the lookup lemma table of spacy-lookups-data and spaCy's English stop words,
read as data by english_data.py without importing spaCy: no pipeline, nothing downloaded). Texts are lowercased length-preserving (so
offsets index the original string), cut into tokens by one rule and lemmatised by table look-up, both
cached per distinct chunk; the patterns are found by one Aho-Corasick pass (ahocorasick-rs, compiled)
over the text's lemmas written as one character each (the matches spaCy's PhraseMatcher on LEMMA finds, without
building a Doc per text); sentences for evidence are found by rule on the raw text. Thousands of
2,400-character abstracts per second.

This module builds the taxonomy patterns and picks the mentions; the parts it uses live beside it:
text.py (lowercase, token and sentence rules), lexicon.py (cached lemmas, a text as token arrays),
keyphrases.py (out-of-taxonomy phrases) and aggregation.py (mentions -> per-capability scores and
evidence rows). Their public names are re-exported here, so callers keep importing from this module.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs
import numpy as np

from matcher.capabilities.aggregation import (
    DEFAULT_FIELD_WEIGHTS,
    CapabilityScore,
    EvidenceRow,
    aggregate_mentions,
    evidence_rows,
)
from matcher.capabilities.english_data import lemma_table, stop_words, string_key
from matcher.capabilities.korean import KoreanCapabilityMatcher, build_korean_matcher
from matcher.capabilities.keyphrases import KEYPHRASE_PREFIX, KEYPHRASE_WEIGHT, find_keyphrases
from matcher.capabilities.lexicon import KEYPHRASE_STOP, LEMMA_OVERRIDES, _Analysis, _Lexicon
from matcher.capabilities.taxonomy import DEFAULT_PATH, Taxonomy, get_taxonomy
from matcher.capabilities.text import _TOKEN, _Sentences, lower_preserving_offsets
from matcher.korean import has_hangul
from matcher.types import CapabilityMention

__all__ = [
    "CASE_CHECKED_ACRONYMS", "CURATED_SCHEME", "DEFAULT_FIELD_WEIGHTS", "KEYPHRASE_PREFIX", "KEYPHRASE_STOP",
    "KEYPHRASE_WEIGHT", "LEMMA_OVERRIDES", "CapabilityExtractor", "CapabilityScore", "EvidenceRow",
    "aggregate_mentions", "evidence_rows", "get_extractor", "lower_preserving_offsets",
]

CURATED_SCHEME = "innobridge_core"

# Short acronyms collide with ordinary words once lowercased ("sem", "tem", "cam", "gan"): they only
# count when the original text writes them in capitals or mixed case (SEM, GaN, IoT).
CASE_CHECKED_ACRONYMS = frozenset(
    """afm cad cam cfd cfrp cmos dft dsc ebsd fea fem fib ftir gan gfrp hplc icme iot mems nde ndt nmr pcb plc plm
    rf saxs sem tem tga tof uav uavs uplc xps xrd xrf lc gc ms ftms fticr qtof cmc""".split()
)

#: A mention before its sentence is looked up: (start, end, capability id, label, weight, is keyphrase).
Span = tuple[int, int, str, str, float, bool]

#: Lemma codes skip the UTF-16 surrogates, which a str cannot hold when decoded from UTF-32.
_SURROGATES, _SURROGATE_COUNT = 0xD800, 0x800


class CapabilityExtractor:
    """Finds taxonomy capabilities (longest match wins) and salient out-of-taxonomy keyphrases.

    Texts are tokenised by rule and lemmatised by table look-up, both cached per distinct chunk/token;
    each lemma that occurs in a pattern has a code (1, 2, ...; every other lemma is 0), a text's lemmas
    become a string of those codes, and an Aho-Corasick automaton of the patterns' code strings finds
    every occurrence of every pattern in it. Sentences are found on the raw text, and only for texts
    that have a mention.
    """

    def __init__(self, taxonomy: Taxonomy | None = None, keyphrases: bool = True, max_keyphrases: int = 5) -> None:
        self.taxonomy = taxonomy if taxonomy is not None else get_taxonomy()
        self.keyphrases = keyphrases
        self.max_keyphrases = max_keyphrases
        self._lexicon = _Lexicon(string_key, lemma_table(), stop_words())
        self._lock = threading.RLock()
        self._patterns: list[str] = []  # each pattern's lemmas as a string of their codes
        self._pattern_keys: list[int] = []  # the key of each pattern's capability
        self._pattern_ranks: list[int] = []  # its capability's place in the taxonomy (earlier wins a tie)
        self._cap_by_key: dict[int, tuple[str, str]] = {}
        self._acronym_keys: set[str] = set()
        self._curated_keys: set[int] = set()
        self._korean: KoreanCapabilityMatcher | None = None
        self._add_patterns()
        # A contiguous NFA: ~12 MB per process; a DFA took ~60 MB and was not measurably faster here.
        self._automaton = ahocorasick_rs.AhoCorasick(self._patterns,
                                                     implementation=ahocorasick_rs.Implementation.ContiguousNFA)
        self._lexicon.reset()  # entries made so far were coded before the patterns were known

    def _add_patterns(self) -> None:
        seen: set[tuple[str, ...]] = set()
        lex = self._lexicon
        codes = lex.codes
        for rank, cap in enumerate(self.taxonomy):
            added = False
            key = string_key(cap.id)
            for syn in cap.synonyms:
                syn = lower_preserving_offsets(syn)
                words = _TOKEN.findall(syn)
                lemmas = tuple(lex.lemma(w) for w in words)
                if not lemmas or lemmas in seen:  # same lemma form already owned by a higher-priority node
                    continue
                seen.add(lemmas)
                pattern = []
                for lemma in lemmas:
                    h = string_key(lemma)
                    code = codes.get(h)
                    if code is None:
                        code = codes[h] = len(codes) + 1 + (_SURROGATE_COUNT if len(codes) + 1 >= _SURROGATES else 0)
                    pattern.append(chr(code))
                self._patterns.append("".join(pattern))
                self._pattern_keys.append(key)
                self._pattern_ranks.append(rank)
                added = True
                if len(words) == 1 and syn in CASE_CHECKED_ACRONYMS:
                    self._acronym_keys.add(lemmas[0])
            if added:
                self._cap_by_key[key] = (cap.id, cap.label)
                if cap.scheme == CURATED_SCHEME:
                    self._curated_keys.add(key)

    def extract(self, text: str) -> list[CapabilityMention]:
        """Capabilities in one text, in text order; empty for empty text."""
        return self.extract_many([text])[0]

    def extract_many(self, texts: Iterable[str], batch_size: int = 256) -> list[list[CapabilityMention]]:
        """Batch version of extract(), the entry point for ingest. `batch_size` is kept for compatibility."""
        return list(self.iter_extract(texts, batch_size=batch_size))

    def iter_extract(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[list[CapabilityMention]]:
        """Streaming version of extract_many(), so ingest need not hold every result in memory."""
        for text in texts:
            yield self._extract_one(text or "")

    # -- per text ---------------------------------------------------------------------------------
    def _match(self, a: _Analysis) -> list[tuple[int, int, int, int, int]]:
        """Every pattern occurrence, overlapping ones included (what spaCy's PhraseMatcher on LEMMA finds,
        without building a Doc): the text's lemma codes as one string (a lemma in no pattern is NUL,
        which no pattern holds), searched by the automaton in compiled code. Each occurrence is
        (start - end, rank of its capability, start token, key, end token), so that sorting the tuples
        puts them in the order _mentions prefers them (longest, then earlier in the taxonomy, then
        earlier in the text; no two occurrences tie on those three)."""
        codes = self._lexicon.code[a.ids].tobytes().decode("utf-32-le")
        found = self._automaton.find_matches_as_indexes(codes, overlapping=True)
        keys, ranks = self._pattern_keys, self._pattern_ranks
        return [(start - end, ranks[i], start, keys[i], end) for i, start, end in found]

    def _extract_one(self, original: str) -> list[CapabilityMention]:
        if not original or original.isspace():
            return []
        english = self._extract_latin(original)
        if not has_hangul(original):
            return english
        korean = self._korean_matcher().extract(original)
        # The English pass reads Hangul words as unknown words: its keyphrases there are noise.
        english = [m for m in english if not (m.capability_id.startswith(KEYPHRASE_PREFIX) and has_hangul(m.label))]
        return sorted(english + korean, key=lambda m: (m.start, m.end))

    def _korean_matcher(self) -> KoreanCapabilityMatcher:
        """Korean phrases -> the same capability ids, built on the first text with Hangul (korean.py)."""
        with self._lock:
            if self._korean is None:
                self._korean = build_korean_matcher({cid: label for cid, label in self._cap_by_key.values()})
            return self._korean

    def korean_patterns(self) -> tuple[dict[str, str], dict[str, str]]:
        """(joined Korean morphemes -> capability id, capability id -> English label) of the Korean matcher."""
        matcher = self._korean_matcher()
        return matcher.patterns(), dict(matcher.labels)

    def korean_label(self, capability_id: str) -> str | None:
        """The Korean label of a curated capability or KSIC industry, for a Korean page."""
        return self._korean_matcher().korean_labels.get(capability_id)

    def capabilities_named_in_korean(self, needle: str) -> list[str]:
        """Ids of the capabilities, KSIC industries and other taxonomy nodes whose Korean name contains
        ``needle`` (spaces ignored: 레이저용접 finds 레이저 용접), curated first, then shorter names."""
        wanted = "".join(needle.split())
        matcher = self._korean_matcher()
        names = {**{cid: (label,) for cid, label in matcher.korean_labels.items()}, **matcher.korean_names}
        found = [cid for cid, forms in names.items() if any(wanted in "".join(f.split()) for f in forms)]
        return sorted(found, key=lambda cid: (cid not in matcher.korean_names, len(matcher.korean_labels.get(cid, ""))))

    def _extract_latin(self, original: str) -> list[CapabilityMention]:
        spans, sentences = self.latin_spans(original)
        return [CapabilityMention(capability_id=cid, label=label, start=start, end=end,
                                  sentence=sentences.around(start, end), weight=weight, is_keyphrase=keyphrase)
                for start, end, cid, label, weight, keyphrase in spans]

    def latin_spans(self, original: str) -> tuple[list[Span], _Sentences]:
        """What _extract_latin finds, as plain tuples in the same order and without the sentences (the
        caller asks `sentences.around(start, end)` for the few it keeps): ingest stores a dozen of a
        document's ~25 mentions, and building each one's sentence string and dataclass was a tenth of
        its extraction time. For text without Hangul (extract() adds a Korean pass otherwise)."""
        spans, sentences, keyphrases = self.taxonomy_spans(original)
        phrases = keyphrases()
        if phrases:
            spans.extend(phrases)
            spans.sort(key=_span_order)
        return spans, sentences

    def taxonomy_spans(self, original: str) -> tuple[list[Span], _Sentences, Callable[[], list[Span]]]:
        """latin_spans() in two steps: the taxonomy spans in text order, and a function giving the
        keyphrase spans (a third of the extraction), for a caller that may not need them."""
        sentences = _Sentences(original)
        if not original or original.isspace():
            return [], sentences, list
        lowered = lower_preserving_offsets(original)
        with self._lock:
            a = self._lexicon.analyse(lowered)
            if a is None:
                return [], sentences, list
            candidates = self._match(a)
            lemma_str = self._lexicon.lemma_str  # a lexicon reset makes a new list: this one stays valid
            spans, taken = self._mentions(a, original, candidates, lemma_str)
            if not self.keyphrases:
                return spans, sentences, list
            content = self._lexicon.content[a.ids]

        def keyphrases() -> list[Span]:
            return find_keyphrases(a, content, taken, sentences, lemma_str, self.max_keyphrases)

        return spans, sentences, keyphrases

    def _mentions(self, a: _Analysis, original: str, matches: list[tuple[int, int, int, int, int]],
                  lemma_str: list[str]) -> tuple[list[Span], bytearray]:
        """The chosen taxonomy spans in text order, and which tokens they took (keyphrases avoid those)."""
        n = len(a.ids)
        chosen: list[tuple[int, int, int]] = []
        taken = bytearray(n)
        candidates = sorted(matches)
        for _, _, start, key, end in candidates:
            if any(taken[start:end]):
                continue
            if end - start == 1 and lemma_str[a.ids[start]] in self._acronym_keys:
                surface = original[a.starts[start]:a.ends[start]]
                if not (surface.isupper() or (surface != surface.lower() and surface != surface.capitalize())):
                    continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, key))
        # A curated capability inside a longer match of another scheme ("composite" inside OpenAlex
        # "composite structures") is kept too: the two are different granularities, not rivals.
        nested = bytearray(n)
        first_pass = set(chosen)
        for _, _, start, key, end in candidates:
            if (key in self._curated_keys and taken[start] and (start, end, key) not in first_pass
                    and not any(nested[start:end])
                    and any(s <= start and end <= e and k not in self._curated_keys and (s, e) != (start, end)
                            for s, e, k in chosen)
                    and not any(k in self._curated_keys and s < end and start < e for s, e, k in chosen)):
                nested[start:end] = b"\x01" * (end - start)
                chosen.append((start, end, key))
        starts, ends = a.starts, a.ends
        out: list[Span] = []
        for start, end, key in sorted(chosen):
            cid, label = self._cap_by_key[key]
            out.append((int(starts[start]), int(ends[end - 1]), cid, label, 1.0, False))
        return out, taken


def _span_order(span: Span) -> tuple[int, int]:
    return span[0], span[1]


@lru_cache(maxsize=1)
def _cached_extractor(path: str) -> CapabilityExtractor:
    return CapabilityExtractor(get_taxonomy(path))


def get_extractor(taxonomy_path: str | Path = DEFAULT_PATH) -> CapabilityExtractor:
    """The process-wide extractor: the pipeline and ~15k patterns are built once, then reused."""
    return _cached_extractor(str(taxonomy_path))


def text_mentions(text: str) -> tuple[CapabilityMention, ...]:
    """The process-wide extractor's mentions in one short text (a problem), kept for the last few hundred texts.

    Why: a search page asks it twice of the same problem text, once to rank (matcher.services.matching) and
    once for the chips it shows (matcher.capabilities.shown), ~0.15 ms of CPU each time. Kept per extractor
    object, so another taxonomy never answers from this one's mentions; a tuple of frozen mentions, so no
    caller can change what the next one reads."""
    return _text_mentions(get_extractor(), text)


@lru_cache(maxsize=256)
def _text_mentions(extractor: CapabilityExtractor, text: str) -> tuple[CapabilityMention, ...]:
    return tuple(extractor.extract(text))
