"""Which extracted capabilities a person is shown (chips, filters, match labels, API output).

Why: only the curated taxonomy is precise enough to be offered as a chip or a filter; raw keyphrases
("reduce cycle") and the broad imported schemes are ranking signals, never labels. A few curated
words are ambiguous ("laser" in "laser-welded" is not optics): shown only when another mention of
the same capability supports them (data/shown_rules.tsv, tuned on tests/capabilities/labelled_sample.jsonl,
measured on tests/capabilities/heldout_sample.jsonl by benchmarks/capability_quality.py).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from matcher.capabilities.extractor import CURATED_SCHEME, get_extractor
from matcher.capabilities.taxonomy import get_taxonomy
from matcher.types import CapabilityMention

RULES_PATH = Path(__file__).parent / "data" / "shown_rules.tsv"
#: Up to this many words a text is a short problem: its "incidental" words count alone.
SHORT_TEXT_WORDS = 40


class _Rules(NamedTuple):
    ambiguous: dict[str, frozenset[str]]  # capability id -> words that do not show it alone
    incidental: dict[str, frozenset[str]]  # the same, in texts over SHORT_TEXT_WORDS words only
    extra: tuple[tuple[str, re.Pattern[str]], ...]  # (capability id, phrase pattern)


@lru_cache(maxsize=1)
def _rules(path: str = str(RULES_PATH)) -> _Rules:
    ambiguous: dict[str, set[str]] = {}
    incidental: dict[str, set[str]] = {}
    extra: list[tuple[str, re.Pattern[str]]] = []
    taxonomy = get_taxonomy()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in ("ambiguous", "incidental", "extra"):
            raise ValueError(f"{path}:{number}: expected 'ambiguous|incidental|extra<TAB>capability<TAB>phrases'")
        kind, cid, phrases = parts
        if cid not in taxonomy or taxonomy[cid].scheme != CURATED_SCHEME:
            raise ValueError(f"{path}:{number}: capability: {cid!r} is not a curated capability")
        words = [p.strip().lower() for p in phrases.split("|") if p.strip()]
        if kind in ("ambiguous", "incidental"):
            (ambiguous if kind == "ambiguous" else incidental).setdefault(cid, set()).update(words)
        else:
            extra.append((cid, re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w-])")))
    return _Rules({c: frozenset(w) for c, w in ambiguous.items()},
                  {c: frozenset(w) for c, w in incidental.items()}, tuple(extra))


def is_shown_capability(capability_id: str) -> bool:
    """Whether an id may be a chip or a filter: a node of the curated taxonomy."""
    cap = get_taxonomy().get(capability_id)
    return cap is not None and cap.scheme == CURATED_SCHEME


def shown_mentions(mentions: Sequence[CapabilityMention], text: str) -> list[CapabilityMention]:
    """The curated mentions that may be shown, in text order: ambiguous words need a supporting mention."""
    rules = _rules()
    long_text = len(text.split()) > SHORT_TEXT_WORDS
    curated = [m for m in mentions if not m.is_keyphrase and is_shown_capability(m.capability_id)]

    def alone_not_enough(m: CapabilityMention) -> bool:
        surface = " ".join(text[m.start:m.end].lower().split())
        return surface in rules.ambiguous.get(m.capability_id, ()) or \
            (long_text and surface in rules.incidental.get(m.capability_id, ()))

    supported = {m.capability_id for m in curated if not alone_not_enough(m)}
    return [m for m in curated if m.capability_id in supported]


def shown_capability_ids(text: str) -> list[str]:
    """The distinct shown capabilities of a text, in order of first appearance."""
    return list(_shown_capability_ids(text))


@lru_cache(maxsize=256)
def _shown_capability_ids(text: str) -> tuple[str, ...]:
    """Cached: one search page asks it of the same problem text about six times (ranking, each result
    group's labels, the team suggestion, the chips), and each asks the extractor again."""
    readable = text.replace("_", " ")  # instrument names such as "7T_FTICR_B" are words joined by underscores
    found = [(m.start, m.capability_id) for m in shown_mentions(get_extractor().extract(readable), readable)]
    lowered = readable.lower()
    for cid, pattern in _rules().extra:
        hit = pattern.search(lowered)
        if hit:
            found.append((hit.start(), cid))
    return tuple(dict.fromkeys(cid for _, cid in sorted(found)))


def shown_labels(capability_ids: Iterable[str]) -> dict[str, str]:
    """Id -> label of the ids that may be shown (others dropped), order kept."""
    taxonomy = get_taxonomy()
    return {c: taxonomy[c].label for c in capability_ids if is_shown_capability(c)}
