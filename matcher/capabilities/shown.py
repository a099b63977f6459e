"""Which extracted capabilities a person is shown (chips, filters, match labels, API output).

Why: only the curated taxonomy is precise enough to be offered as a chip or a filter; raw keyphrases
("reduce cycle") and the broad imported schemes are ranking signals, never labels. Even curated words
mislead in some places, so the display rules of data/shown_rules.tsv apply on top of extraction (tuned
on tests/capabilities/labelled_sample.jsonl and tune_sample.jsonl, measured on heldout_sample.jsonl by
benchmarks/capability_quality.py):

* an ambiguous word ("engine" of an aircraft is not automotive, Korean "방식" is "method") shows its
  capability only when a stronger word supports it;
* a weak word ("laser" in "laser-welded" is not optics) or, in a long text and after its first sentence
  (the title), an incidental one ("steel substrates") needs the same support, or WEAK_SUPPORT weak
  mentions together (a topic that says "laser" eight times is about lasers);
* a word inside another term does not count ("aluminum" in "aluminum nitride", "bridge" in "Bridge Awards");
* a few phrases the taxonomy lacks show a capability (display only).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from matcher.capabilities.extractor import CURATED_SCHEME, text_mentions
from matcher.capabilities.taxonomy import get_taxonomy
from matcher.capabilities.text import _sentence_starts, lower_preserving_offsets
from matcher.types import CapabilityMention

RULES_PATH = Path(__file__).parent / "data" / "shown_rules.tsv"
#: Up to this many words a text is a short problem: its "incidental" words count alone.
SHORT_TEXT_WORDS = 40
#: A first sentence longer than this is no title: incidental words after this offset are weak.
TITLE_CHARS = 200
#: This many mentions by weak or incidental words support each other (ambiguous ones never do).
WEAK_SUPPORT = 3
_KINDS = ("ambiguous", "weak", "incidental", "extra", "not_in")
_AMBIGUOUS, _WEAK, _STRONG = 0, 1, 2
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


class _Phrases(NamedTuple):
    """Phrases of several capabilities found in one regex pass, each mapped back to its capabilities."""

    pattern: re.Pattern[str] | None
    capabilities: dict[str, tuple[str, ...]]  # phrase -> capability ids

    def find(self, lowered: str) -> Iterable[tuple[str, int, int]]:
        """(capability id, start, end) of every phrase in a lowercased text."""
        if self.pattern is None:
            return ()
        return [(cid, m.start(), m.end()) for m in self.pattern.finditer(lowered)
                for cid in self.capabilities[m.group()]]


class _Rules(NamedTuple):
    ambiguous: dict[str, frozenset[str]]  # capability id -> words that never show it alone
    weak: dict[str, frozenset[str]]  # capability id -> words that show it only together (WEAK_SUPPORT)
    incidental: dict[str, frozenset[str]]  # weak in texts over SHORT_TEXT_WORDS words, after the title
    extra: _Phrases  # phrases that show a capability
    not_in: _Phrases  # terms inside which a capability's words do not count


class _Hit(NamedTuple):
    capability_id: str
    start: int
    end: int
    strength: int  # _AMBIGUOUS, _WEAK or _STRONG


def _phrases(by_capability: dict[str, set[str]]) -> _Phrases:
    """One whole-word pattern for all phrases, longest first; a Korean phrase may be followed by a particle."""
    owners: dict[str, tuple[str, ...]] = {}
    for cid, words in by_capability.items():
        for w in words:
            owners[w] = (*owners.get(w, ()), cid)
    if not owners:
        return _Phrases(None, {})
    words = sorted(owners, key=len, reverse=True)
    alternatives = [re.escape(w) + ("" if _HANGUL.search(w) else r"(?![\w-])") for w in words]
    return _Phrases(re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + ")"), owners)


@lru_cache(maxsize=1)
def _rules(path: str = str(RULES_PATH)) -> _Rules:
    sets: dict[str, dict[str, set[str]]] = {kind: {} for kind in _KINDS}
    taxonomy = get_taxonomy()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in _KINDS:
            raise ValueError(f"{path}:{number}: expected '{'|'.join(_KINDS)}<TAB>capability<TAB>phrases'")
        kind, cid, phrases = parts
        if cid not in taxonomy or taxonomy[cid].scheme != CURATED_SCHEME:
            raise ValueError(f"{path}:{number}: capability: {cid!r} is not a curated capability")
        words = [" ".join(p.lower().split()) for p in phrases.split("|") if p.strip()]
        if not words:
            raise ValueError(f"{path}:{number}: phrases: empty")
        sets[kind].setdefault(cid, set()).update(words)
    return _Rules({c: frozenset(w) for c, w in sets["ambiguous"].items()},
                  {c: frozenset(w) for c, w in sets["weak"].items()},
                  {c: frozenset(w) for c, w in sets["incidental"].items()},
                  _phrases(sets["extra"]), _phrases(sets["not_in"]))


def is_shown_capability(capability_id: str) -> bool:
    """Whether an id may be a chip or a filter: a node of the curated taxonomy."""
    cap = get_taxonomy().get(capability_id)
    return cap is not None and cap.scheme == CURATED_SCHEME


def _incidental_from(text: str) -> int:
    """Offset from which incidental words are weak: none in a short problem (every word there is meant),
    after the first sentence in a long text (a title names its subject)."""
    if len(text.split()) <= SHORT_TEXT_WORDS:
        return len(text) + 1
    starts = _sentence_starts(text)
    return min(starts[1] if len(starts) > 1 else len(text), TITLE_CHARS)


def _hits(mentions: Sequence[CapabilityMention], text: str, lowered: str, rules: _Rules) -> list[_Hit]:
    """Curated mentions and extra phrases as hits with their strength, those inside another term dropped."""
    weak_from = _incidental_from(text)
    hits = []
    for m in mentions:
        if m.is_keyphrase or not is_shown_capability(m.capability_id):
            continue
        surface = " ".join(lowered[m.start:m.end].split())
        cid = m.capability_id
        if surface in rules.ambiguous.get(cid, ()):
            strength = _AMBIGUOUS
        elif surface in rules.weak.get(cid, ()) or (m.start >= weak_from and surface in rules.incidental.get(cid, ())):
            strength = _WEAK
        else:
            strength = _STRONG
        hits.append(_Hit(cid, m.start, m.end, strength))
    hits.extend(_Hit(cid, start, end, _STRONG) for cid, start, end in rules.extra.find(lowered))
    inside: dict[str, list[tuple[int, int]]] = {}
    for cid, start, end in rules.not_in.find(lowered):
        inside.setdefault(cid, []).append((start, end))
    return [h for h in hits if not any(s <= h.start and h.end <= e for s, e in inside.get(h.capability_id, ()))]


def _kept(hits: Sequence[_Hit]) -> set[str]:
    """Capabilities with support: a strong hit, or WEAK_SUPPORT weak ones."""
    strong = {h.capability_id for h in hits if h.strength == _STRONG}
    weak: dict[str, int] = {}
    for h in hits:
        weak[h.capability_id] = weak.get(h.capability_id, 0) + (h.strength == _WEAK)
    return strong | {c for c, n in weak.items() if n >= WEAK_SUPPORT}


def shown_mentions(mentions: Sequence[CapabilityMention], text: str) -> list[CapabilityMention]:
    """The curated mentions whose capability may be shown by the display rules, in text order."""
    rules = _rules()
    kept = _kept(_hits(mentions, text, lower_preserving_offsets(text), rules))
    return [m for m in mentions if not m.is_keyphrase and m.capability_id in kept]


def shown_capability_ids(text: str) -> list[str]:
    """The distinct shown capabilities of a text, in order of first appearance."""
    return list(_shown_capability_ids(text))


@lru_cache(maxsize=256)
def _shown_capability_ids(text: str) -> tuple[str, ...]:
    """Cached: one search page asks it of the same problem text about six times (ranking, each result
    group's labels, the team suggestion, the chips), and each asks the extractor again."""
    readable = text.replace("_", " ")  # instrument names such as "7T_FTICR_B" are words joined by underscores
    hits = _hits(text_mentions(readable), readable, lower_preserving_offsets(readable), _rules())
    kept = _kept(hits)
    return tuple(dict.fromkeys(h.capability_id for h in sorted(hits, key=lambda h: h.start) if h.capability_id in kept))


def shown_labels(capability_ids: Iterable[str]) -> dict[str, str]:
    """Id -> label of the ids that may be shown (others dropped), order kept."""
    taxonomy = get_taxonomy()
    return {c: taxonomy[c].label for c in capability_ids if is_shown_capability(c)}
