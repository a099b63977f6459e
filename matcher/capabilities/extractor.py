"""Text -> capability mentions with evidence spans, shared by ingest (documents) and matching (problems).

PhraseMatcher on LEMMA over spaCy's blank English vocabulary with the lookup lemma table of
spacy-lookups-data: no trained pipeline, nothing downloaded. Texts are lowercased length-preserving (so
offsets index the original string), cut into tokens by one rule and lemmatised by table look-up, both
cached per distinct chunk; the matcher sees only tokens that can be part of a pattern; sentences for
evidence are found by rule on the raw text. Thousands of 2,400-character abstracts per second.
"""
from __future__ import annotations

import math
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np
import spacy
from spacy.attrs import LEMMA
from spacy.lookups import load_lookups
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from matcher.capabilities.taxonomy import DEFAULT_PATH, Taxonomy, get_taxonomy
from matcher.types import CapabilityMention

KEYPHRASE_PREFIX = "kp:"
KEYPHRASE_WEIGHT = 0.5
CURATED_SCHEME = "innobridge_core"

# Short acronyms collide with ordinary words once lowercased ("sem", "tem", "cam", "gan"): they only
# count when the original text writes them in capitals or mixed case (SEM, GaN, IoT).
CASE_CHECKED_ACRONYMS = frozenset(
    """afm cad cam cfd cfrp cmos dft dsc ebsd fea fem fib ftir gan gfrp hplc icme iot mems nde ndt nmr pcb plc plm
    rf saxs sem tem tga tof uav uavs uplc xps xrd xrf lc gc ms ftms fticr qtof cmc""".split()
)

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

DEFAULT_FIELD_WEIGHTS: Mapping[str, float] = {"title": 2.0, "keywords": 1.5, "abstract": 1.0, "text": 1.0}


def lower_preserving_offsets(text: str) -> str:
    """Lowercase without changing length, so token offsets on the result are offsets into `text`.

    str.lower() can lengthen a few characters (e.g. "İ" becomes two code points); those keep their case.
    """
    lowered = text.lower()
    if text.isascii() or "\u0130" not in text:  # U+0130 is the only code point whose lowercase is longer
        return lowered
    return "".join(lc if len(lc := c.lower()) == 1 else c for c in text)


# Tokens: runs of word characters, or single other non-space characters ("x-ray" -> x, -, ray). The
# same rule cuts patterns and texts, so a pattern matches wherever its tokens occur in a text.
_TOKEN = re.compile(r"\w+|[^\w\s]")


# A sentence ends at . ! ? (or their Unicode kin), possibly followed by closing quotes or brackets,
# when whitespace follows; a blank line or a "Label:" line (e.g. the "Keywords:" line ingest appends)
# also starts a sentence.
_SENTENCE_END = re.compile(r"[.!?\u2026\u203c\u203d\u2047-\u2049\u3002\uff01\uff1f\uff61]+[\"'\u201d\u2019)\]]*(?=\s)"
                           r"|\n[ \t]*\n|\n(?=[ \t]*[^\W\d_][\w ]{0,30}:)")
_SPACE_RUN = re.compile(r"\s+")
# "e.g. welding" and "J. Smith" do not end a sentence.
_ABBREVIATIONS = frozenset("e.g i.e eg ie al vs cf fig figs approx ca dr prof mr mrs st inc corp ltd eq eqs ref refs "
                           "u.s dept univ".split())
_SEPARATOR = "\x00"  # stands for a run of tokens that occur in no pattern

_MIX = np.uint64(0x9E3779B97F4A7C15)  # combines two lemma hashes into one key (wrapping arithmetic)
_MAX_LEXICON = 1_000_000  # distinct (token, followed-by-space) entries before the caches start over


def _sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences start (the first is 0), by rule on the raw text."""
    starts = [0]
    for m in _SENTENCE_END.finditer(text):
        end = m.start()
        if text[end] == ".":
            word_start = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end)) + 1
            if end - word_start <= 6:
                word = text[word_start:end].lower()
                if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
        ws = _SPACE_RUN.match(text, m.end())
        nxt = ws.end() if ws else m.end()
        if nxt < len(text) and nxt > starts[-1]:
            starts.append(nxt)
    return starts


class _Lexicon:
    """Per distinct lowercase token: lemma, whether it can be part of a keyphrase or of a pattern.

    Entries are keyed by (token, followed by one whitespace character): the second flag lets the offsets
    of all tokens of a whitespace-normalised text come out of one cumulative sum. `chunks` caches the
    tokenisation of whitespace-separated chunks ("welding," -> ids of "welding", ","), the way spaCy's
    tokenizer caches them, so a text costs a str.split() and one dict look-up per chunk.
    """

    def __init__(self, strings, table, stop_words: frozenset[str], relevant: set[int] | None = None) -> None:
        self.strings = strings
        self.table = table
        self.stop_words = stop_words
        self.relevant: set[int] = relevant if relevant is not None else set()
        self.single: set[int] = set()
        self.reset()

    def reset(self) -> None:
        self.ids: dict[tuple[str, bool], int] = {}
        self.lemma_str: list[str] = []
        self.size = 0
        self.lemma_hash = np.zeros(1024, dtype=np.uint64)
        self.content = np.zeros(1024, dtype=bool)
        self.relevant_mask = np.zeros(1024, dtype=bool)
        self.single_mask = np.zeros(1024, dtype=bool)
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
            for name in ("lemma_hash", "content", "relevant_mask", "single_mask", "length", "advance"):
                old = getattr(self, name)
                new = np.zeros(n, dtype=old.dtype)
                new[:i] = old
                setattr(self, name, new)
        lemma = self.lemma(word)
        h = self.strings.add(lemma)
        self.lemma_hash[i] = h
        self.relevant_mask[i] = h in self.relevant
        self.single_mask[i] = h in self.single
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

    def mark_relevant(self, hashes: set[int], single: set[int]) -> None:
        """`hashes`: lemmas in some pattern; `single`: lemmas that are a whole pattern on their own."""
        self.relevant, self.single = hashes, single
        for i in range(self.size):
            self.relevant_mask[i] = int(self.lemma_hash[i]) in hashes
            self.single_mask[i] = int(self.lemma_hash[i]) in single


class _ChunkCache(dict):
    """chunk -> token ids; a miss tokenises the chunk (dict subclass, so map(cache.__getitem__) stays in C)."""

    def __init__(self, lexicon: _Lexicon) -> None:
        super().__init__()
        self.lexicon = lexicon

    def __missing__(self, chunk: str) -> tuple[int, ...]:
        got = self[chunk] = self.lexicon.chunk(chunk)
        return got


@dataclass
class _Analysis:
    """One text's tokens as arrays over the lexicon: ids, character offsets."""

    ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    lemmas: np.ndarray  # lemma hashes


class CapabilityExtractor:
    """Finds taxonomy capabilities (longest match wins) and salient out-of-taxonomy keyphrases.

    Texts are tokenised by rule and lemmatised by table look-up, both cached per distinct chunk/token;
    the PhraseMatcher (on LEMMA) sees only the tokens whose lemma occurs in some pattern, each run of
    the others collapsed into one separator, so a 2,400-character abstract becomes a Doc of a few dozen
    tokens. Sentences are found on the raw text, and only for texts that have a mention.
    """

    def __init__(self, taxonomy: Taxonomy | None = None, keyphrases: bool = True, max_keyphrases: int = 5) -> None:
        self.taxonomy = taxonomy if taxonomy is not None else get_taxonomy()
        self.keyphrases = keyphrases
        self.max_keyphrases = max_keyphrases
        self.nlp = spacy.blank("en")
        self.vocab = self.nlp.vocab
        table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self._lexicon = _Lexicon(self.vocab.strings, table, frozenset(self.nlp.Defaults.stop_words))
        self._lock = threading.RLock()
        self._separator = self.vocab.strings.add(_SEPARATOR)
        self.matcher = PhraseMatcher(self.vocab, attr="LEMMA")
        self._priority: dict[int, int] = {}
        self._cap_by_key: dict[int, tuple[str, str]] = {}
        self._acronym_keys: set[str] = set()
        self._curated_keys: set[int] = set()
        self._add_patterns()

    def _lemma_doc(self, hashes: Sequence[int]) -> Doc:
        """A Doc whose tokens are the given lemmas (ORTH and LEMMA both), for the PhraseMatcher."""
        doc = Doc(self.vocab, words=list(hashes))
        doc.from_array([LEMMA], np.asarray(hashes, dtype=np.uint64).reshape(-1, 1))
        return doc

    def _add_patterns(self) -> None:
        seen: set[tuple[str, ...]] = set()
        relevant: set[int] = set()
        single: set[int] = set()
        firsts: list[int] = []
        seconds: list[int] = []
        lex = self._lexicon
        for rank, cap in enumerate(self.taxonomy):
            docs = []
            for syn in cap.synonyms:
                syn = lower_preserving_offsets(syn)
                words = _TOKEN.findall(syn)
                lemmas = tuple(lex.lemma(w) for w in words)
                if not lemmas or lemmas in seen:  # same lemma form already owned by a higher-priority node
                    continue
                seen.add(lemmas)
                hashes = [self.vocab.strings.add(lm) for lm in lemmas]
                relevant.update(hashes)
                if len(hashes) == 1:
                    single.add(hashes[0])
                firsts.extend(hashes[:-1])
                seconds.extend(hashes[1:])
                docs.append(self._lemma_doc(hashes))
                if len(words) == 1 and syn in CASE_CHECKED_ACRONYMS:
                    self._acronym_keys.add(lemmas[0])
            if docs:
                key = self.vocab.strings.add(cap.id)
                self.matcher.add(cap.id, docs)
                self._priority[key] = rank
                self._cap_by_key[key] = (cap.id, cap.label)
                if cap.scheme == CURATED_SCHEME:
                    self._curated_keys.add(key)
        lex.mark_relevant(relevant, single)
        # Keys of the adjacent lemma pairs of multi-token patterns: a token can only be inside a match
        # if it is a one-token pattern or forms such a pair with a neighbour.
        self._pairs = np.unique(np.array(firsts, dtype=np.uint64) * _MIX + np.array(seconds, dtype=np.uint64))

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
    def _analyse(self, lowered: str) -> _Analysis | None:
        """Token ids and offsets. Whitespace-normalised text (single separators) takes the fast path."""
        lex = self._lexicon
        if lex.size > _MAX_LEXICON:
            lex.reset()
        chunks = lowered.split()
        if not chunks:
            return None
        lead = len(lowered) - len(lowered.lstrip())
        core = len(lowered.rstrip()) - lead
        if core == sum(map(len, chunks)) + len(chunks) - 1:
            ids = np.array(list(chain.from_iterable(map(lex.chunks.__getitem__, chunks))), dtype=np.intp)
            adv = lex.advance[ids]
            starts = np.cumsum(adv) - adv + lead
        else:
            matches = list(_TOKEN.finditer(lowered))
            ids = np.array([lex.entry(m.group(), False) for m in matches], dtype=np.intp)
            starts = np.array([m.start() for m in matches], dtype=np.int64)
        if not len(ids):
            return None
        return _Analysis(ids=ids, starts=starts, ends=starts + lex.length[ids], lemmas=lex.lemma_hash[ids])

    def _match(self, a: _Analysis) -> list[tuple[int, int, int]]:
        """PhraseMatcher matches as (key, start token, end token) over the text's tokens."""
        lex = self._lexicon
        lemmas = a.lemmas
        keep_mask = lex.single_mask[a.ids]
        relevant = lex.relevant_mask[a.ids]
        pair_at = np.flatnonzero(relevant[:-1] & relevant[1:])
        if len(pair_at) and len(self._pairs):
            keys = lemmas[pair_at] * _MIX + lemmas[pair_at + 1]
            found = np.searchsorted(self._pairs, keys)
            found[found == len(self._pairs)] = 0
            pair_at = pair_at[self._pairs[found] == keys]
            keep_mask[pair_at] = True
            keep_mask[pair_at + 1] = True
        keep = np.flatnonzero(keep_mask)
        if not len(keep):
            return []
        gaps = np.diff(keep) > 1
        positions = np.arange(len(keep))
        positions[1:] += np.cumsum(gaps)
        compressed = np.full(len(keep) + int(gaps.sum()), self._separator, dtype=np.uint64)
        compressed[positions] = lemmas[keep]
        original = np.full(len(compressed), -1, dtype=np.intp)
        original[positions] = keep
        doc = Doc(self.vocab, words=compressed.tolist())
        doc.from_array([LEMMA], compressed.reshape(-1, 1))
        return [(key, int(original[s]), int(original[e - 1]) + 1) for key, s, e in self.matcher(doc)]

    def _extract_one(self, original: str) -> list[CapabilityMention]:
        if not original or original.isspace():
            return []
        lowered = lower_preserving_offsets(original)
        with self._lock:
            a = self._analyse(lowered)
            if a is None:
                return []
            candidates = self._match(a)
            lemma_str = self._lexicon.lemma_str
            content = self._lexicon.content[a.ids] if self.keyphrases else None
            return self._mentions(a, original, candidates, lemma_str, content)

    def _mentions(self, a: _Analysis, original: str, matches: list[tuple[int, int, int]], lemma_str: list[str],
                  content: np.ndarray | None) -> list[CapabilityMention]:
        n = len(a.ids)
        chosen: list[tuple[int, int, int]] = []
        taken = bytearray(n)
        candidates = sorted(matches, key=lambda m: (m[1] - m[2], self._priority[m[0]], m[1]))
        for key, start, end in candidates:
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
        for key, start, end in candidates:
            if (key in self._curated_keys and taken[start] and (start, end, key) not in first_pass
                    and not any(nested[start:end])
                    and any(s <= start and end <= e and k not in self._curated_keys and (s, e) != (start, end)
                            for s, e, k in chosen)
                    and not any(k in self._curated_keys and s < end and start < e for s, e, k in chosen)):
                nested[start:end] = b"\x01" * (end - start)
                chosen.append((start, end, key))
        sentences = _Sentences(original)
        out = []
        for start, end, key in sorted(chosen):
            cid, label = self._cap_by_key[key]
            s_char, e_char = int(a.starts[start]), int(a.ends[end - 1])
            out.append(CapabilityMention(capability_id=cid, label=label, start=s_char, end=e_char,
                                         sentence=sentences.around(s_char, e_char)))
        if content is not None:
            out.extend(self._keyphrases(a, content, taken, sentences, lemma_str))
            out.sort(key=lambda m: (m.start, m.end))
        return out

    def _keyphrases(self, a: _Analysis, content: np.ndarray, taken: bytearray, sentences: "_Sentences",
                    lemma_str: list[str]) -> list[CapabilityMention]:
        """Stopword-bounded 2-3 word runs outside taxonomy matches, ranked by frequency x length.

        Blank English has no parser for noun chunks; runs of content words between stopwords and
        punctuation are a cheap stand-in that surfaces terms the taxonomy does not know yet.
        """
        n = len(a.ids)
        c = content & (np.frombuffer(bytes(taken), dtype=np.uint8) == 0)
        if c.sum() < 2:
            return []
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
        if not long_runs.any():
            return []
        r0s = run_starts[long_runs].tolist()
        r1s = run_ends[long_runs].tolist()
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
        # A phrase is its lemma sequence; count them by a hash of the lemma hashes, without building strings.
        g0 = np.array(gram_start, dtype=np.intp)
        glen = np.array(gram_len, dtype=np.intp)
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
        used = bytearray(n)
        n_phrases = 0
        for u in order:
            if n_phrases >= self.max_keyphrases:
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


class _Sentences:
    """Sentence boundaries of one text, found on first use."""

    __slots__ = ("text", "_starts", "_cache")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._cache: dict[tuple[int, int], str] = {}

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = _sentence_starts(self.text)
        return self._starts

    def around(self, start: int, end: int) -> str:
        """The sentence(s) holding text[start:end], stripped."""
        starts = self.starts
        i = bisect_right(starts, start) - 1
        j = bisect_right(starts, max(start, end - 1))
        got = self._cache.get((i, j))
        if got is None:  # mentions in one sentence share one string
            stop = starts[j] if j < len(starts) else len(self.text)
            got = self._cache[(i, j)] = self.text[starts[i]:stop].strip()
        return got


@lru_cache(maxsize=1)
def _cached_extractor(path: str) -> CapabilityExtractor:
    return CapabilityExtractor(get_taxonomy(path))


def get_extractor(taxonomy_path: str | Path = DEFAULT_PATH) -> CapabilityExtractor:
    """The process-wide extractor: the pipeline and ~15k patterns are built once, then reused."""
    return _cached_extractor(str(taxonomy_path))


@dataclass(frozen=True)
class CapabilityScore:
    """One capability's evidence in a document, summed over fields (a title mention counts more)."""

    capability_id: str
    label: str
    weight: float
    count: int
    is_keyphrase: bool
    mentions: tuple[tuple[str, CapabilityMention], ...]  # (field, mention), strongest field first


@dataclass(frozen=True)
class EvidenceRow:
    """The row ingest stores: who shows which capability, where, and how strongly."""

    entity_id: str
    capability_id: str
    document_id: str
    field: str
    start: int
    end: int
    sentence: str
    weight: float
    is_keyphrase: bool


def aggregate_mentions(
    fields: Mapping[str, Sequence[CapabilityMention]],
    field_weights: Mapping[str, float] = DEFAULT_FIELD_WEIGHTS,
) -> list[CapabilityScore]:
    """Per-capability weights for one document, strongest first.

    weight = sum over fields of field_weight * (1 + log(sum of mention weights in that field)), so a
    capability named in the title outranks one repeated ten times in the body, and repetition saturates.
    """
    per_cap: dict[str, dict[str, list[CapabilityMention]]] = {}
    for field_name, mentions in fields.items():
        for m in mentions:
            per_cap.setdefault(m.capability_id, {}).setdefault(field_name, []).append(m)
    scores = []
    for cid, by_field in per_cap.items():
        weight = 0.0
        ordered: list[tuple[str, CapabilityMention]] = []
        for field_name in sorted(by_field, key=lambda f: -field_weights.get(f, 1.0)):
            ms = by_field[field_name]
            raw = sum(m.weight for m in ms)
            weight += field_weights.get(field_name, 1.0) * (raw if raw < 1 else 1 + math.log(raw))
            ordered.extend((field_name, m) for m in ms)
        first = ordered[0][1]
        scores.append(CapabilityScore(capability_id=cid, label=first.label, weight=round(weight, 4),
                                      count=len(ordered), is_keyphrase=first.is_keyphrase, mentions=tuple(ordered)))
    scores.sort(key=lambda s: (-s.weight, s.capability_id))
    return scores


def evidence_rows(
    entity_id: str,
    document_id: str,
    fields: Mapping[str, Sequence[CapabilityMention]],
    field_weights: Mapping[str, float] = DEFAULT_FIELD_WEIGHTS,
) -> list[EvidenceRow]:
    """Flatten a document's mentions into storable evidence rows, weighted by field."""
    rows = []
    for field_name, mentions in fields.items():
        fw = field_weights.get(field_name, 1.0)
        for m in mentions:
            rows.append(EvidenceRow(entity_id=entity_id, capability_id=m.capability_id, document_id=document_id,
                                    field=field_name, start=m.start, end=m.end, sentence=m.sentence,
                                    weight=round(fw * m.weight, 4), is_keyphrase=m.is_keyphrase))
    return rows
