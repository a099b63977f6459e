"""Person-name normalisation, so "Müller, H.-P." and "Hans-Peter Muller" can be compared."""
from __future__ import annotations

import re
from functools import lru_cache

from matcher.text import strip_accents
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "dr", "prof"})
_NON_WORD = re.compile(r"[^\w\s]|_")
_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")  # O'Connor -> oconnor, not "o connor"


@lru_cache(maxsize=65536)
def display_name(name: str) -> str:
    """Turn "Last, First" into "First Last" (suffixes after a second comma are dropped). Cached, as
    normalise_person_name: an import meets the same authors again and again, each name three times."""
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) >= 2 and _tokens(parts[1]) and not set(_tokens(parts[1])) <= _SUFFIXES:
        return f"{parts[1]} {parts[0]}"
    return " ".join(name.split())


def _tokens(text: str) -> list[str]:
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", strip_accents(text))).split()


@lru_cache(maxsize=65536)
def normalise_person_name(name: str) -> str:
    """Lower-case ASCII "first middle last" with initials as single letters and no suffixes.

    "Müller, Hans-Peter" -> "hans peter muller"; "J. R. R. Tolkien" -> "j r r tolkien".
    """
    tokens = [t for t in _tokens(display_name(name)) if t not in _SUFFIXES]
    return " ".join(tokens)


def name_match_key(name: str) -> str:
    """Surname plus first initial ("muller h"): a blocking key for candidate author merges."""
    tokens = normalise_person_name(name).split()
    if not tokens:
        return ""
    if len(tokens) == 1:
        return tokens[0]
    return f"{tokens[-1]} {tokens[0][0]}"
