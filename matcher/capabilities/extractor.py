"""Text -> capability mentions with evidence spans, shared by ingest (documents) and matching (problems).

spaCy blank English + lookup lemmatizer + PhraseMatcher on LEMMA: no trained pipeline, nothing downloaded,
several thousand short paragraphs per second. The lookup table is case-sensitive, so both patterns and
texts are lowercased; lowercasing is done length-preserving so offsets index the original string.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

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
    if text.isascii():
        return lowered
    if len(lowered) == len(text) and all(len(c.lower()) == 1 for c in text):
        return lowered
    return "".join(lc if len(lc := c.lower()) == 1 else c for c in text)


def _build_nlp() -> Language:
    """Blank English with the lookup lemmatizer and a rule sentencizer: no model download."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("sentencizer")
    nlp.initialize()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for form, lemma in LEMMA_OVERRIDES.items():
        table[form] = lemma
    return nlp


class CapabilityExtractor:
    """Finds taxonomy capabilities (longest match wins) and salient out-of-taxonomy keyphrases."""

    def __init__(self, taxonomy: Taxonomy | None = None, keyphrases: bool = True, max_keyphrases: int = 5) -> None:
        self.taxonomy = taxonomy if taxonomy is not None else get_taxonomy()
        self.keyphrases = keyphrases
        self.max_keyphrases = max_keyphrases
        self.nlp = _build_nlp()
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self._priority: dict[int, int] = {}
        self._cap_by_key: dict[int, tuple[str, str]] = {}
        self._acronym_keys: set[str] = set()
        self._curated_keys: set[int] = set()
        self._add_patterns()

    def _add_patterns(self) -> None:
        seen: set[tuple[str, ...]] = set()
        with self.nlp.select_pipes(enable=["lemmatizer"]):
            for rank, cap in enumerate(self.taxonomy):
                texts = [lower_preserving_offsets(s) for s in cap.synonyms]
                docs = []
                for syn, doc in zip(texts, self.nlp.pipe(texts)):
                    lemmas = tuple(t.lemma_ for t in doc)
                    if not lemmas or lemmas in seen:  # same lemma form already owned by a higher-priority node
                        continue
                    seen.add(lemmas)
                    docs.append(doc)
                    if len(doc) == 1 and syn in CASE_CHECKED_ACRONYMS:
                        self._acronym_keys.add(lemmas[0])
                if docs:
                    key = self.nlp.vocab.strings.add(cap.id)
                    self.matcher.add(cap.id, docs)
                    self._priority[key] = rank
                    self._cap_by_key[key] = (cap.id, cap.label)
                    if cap.scheme == CURATED_SCHEME:
                        self._curated_keys.add(key)

    def extract(self, text: str) -> list[CapabilityMention]:
        """Capabilities in one text, in text order; empty for empty text."""
        return self.extract_many([text])[0]

    def extract_many(self, texts: Iterable[str], batch_size: int = 256) -> list[list[CapabilityMention]]:
        """Batch version of extract(): one pass of nlp.pipe, the fast path for ingest."""
        return list(self.iter_extract(texts, batch_size=batch_size))

    def iter_extract(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[list[CapabilityMention]]:
        """Streaming version of extract_many(), so ingest need not hold every result in memory."""
        originals: list[str] = []

        def lowered() -> Iterator[str]:
            for t in texts:
                t = t or ""
                originals.append(t)
                yield lower_preserving_offsets(t)

        for i, doc in enumerate(self.nlp.pipe(lowered(), batch_size=batch_size)):
            original = originals[i]
            originals[i] = ""  # release memory early
            yield self._mentions(doc, original)

    def _mentions(self, doc: Doc, original: str) -> list[CapabilityMention]:
        if not original:
            return []
        chosen: list[tuple[int, int, int]] = []
        taken = bytearray(len(doc))
        candidates = sorted(self.matcher(doc), key=lambda m: (m[1] - m[2], self._priority[m[0]], m[1]))
        for key, start, end in candidates:
            if any(taken[start:end]):
                continue
            if end - start == 1 and doc[start].lemma_ in self._acronym_keys:
                surface = original[doc[start].idx:doc[start].idx + len(doc[start])]
                if not (surface.isupper() or (surface != surface.lower() and surface != surface.capitalize())):
                    continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, key))
        # A curated capability inside a longer match of another scheme ("composite" inside OpenAlex
        # "composite structures") is kept too: the two are different granularities, not rivals.
        nested = bytearray(len(doc))
        for key, start, end in candidates:
            if (key in self._curated_keys and not any(nested[start:end])
                    and any(s <= start and end <= e and k not in self._curated_keys and (s, e) != (start, end)
                            for s, e, k in chosen)
                    and not any(k in self._curated_keys and s < end and start < e for s, e, k in chosen)):
                nested[start:end] = b"\x01" * (end - start)
                chosen.append((start, end, key))
        out = []
        for start, end, key in sorted(chosen):
            span = doc[start:end]
            cid, label = self._cap_by_key[key]
            out.append(CapabilityMention(capability_id=cid, label=label, start=span.start_char, end=span.end_char,
                                         sentence=self._sentence(span, original)))
        if self.keyphrases:
            out.extend(self._keyphrases(doc, original, taken))
            out.sort(key=lambda m: (m.start, m.end))
        return out

    @staticmethod
    def _sentence(span: Span, original: str) -> str:
        sent = span.sent
        return original[sent.start_char:sent.end_char].strip()

    def _keyphrases(self, doc: Doc, original: str, taken: bytearray) -> list[CapabilityMention]:
        """Stopword-bounded 2-3 word runs outside taxonomy matches, ranked by frequency x length.

        Blank English has no parser for noun chunks; runs of content words between stopwords and
        punctuation are a cheap stand-in that surfaces terms the taxonomy does not know yet.
        """
        def content(tok: Token) -> bool:
            return (not taken[tok.i] and tok.is_alpha and not tok.is_stop and len(tok) > 2
                    and tok.lemma_ not in KEYPHRASE_STOP)

        runs: list[list[int]] = []
        run: list[int] = []
        for tok in doc:
            if run and (tok.is_sent_start or not content(tok)):
                if len(run) >= 2:
                    runs.append(run)
                run = []
            if content(tok):
                run.append(tok.i)
        if len(run) >= 2:
            runs.append(run)
        counts: Counter[str] = Counter()
        occurrences: dict[str, list[tuple[int, int]]] = {}
        for r in runs:
            if len(r) <= 3:
                grams = [(r[0], r[-1] + 1)]
            else:
                grams = [(r[j], r[j] + n) for n in (3, 2) for j in range(len(r) - n + 1)]
            for start, end in grams:
                phrase = " ".join(t.lemma_ for t in doc[start:end])
                counts[phrase] += 1
                occurrences.setdefault(phrase, []).append((start, end))
        ranked = sorted(counts, key=lambda p: (-counts[p] * (1 + 0.5 * p.count(" ")), occurrences[p][0][0]))
        out: list[CapabilityMention] = []
        used = bytearray(len(doc))
        n_phrases = 0
        for phrase in ranked:
            if n_phrases >= self.max_keyphrases:
                break
            spans = [(s, e) for s, e in occurrences[phrase] if not any(used[s:e])]
            if not spans:
                continue
            n_phrases += 1
            for s, e in spans:
                used[s:e] = b"\x01" * (e - s)
                span = doc[s:e]
                out.append(CapabilityMention(capability_id=KEYPHRASE_PREFIX + phrase, label=phrase,
                                             start=span.start_char, end=span.end_char,
                                             sentence=self._sentence(span, original),
                                             weight=KEYPHRASE_WEIGHT, is_keyphrase=True))
        return out


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
