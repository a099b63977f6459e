"""Person-name normalisation, so "Müller, H.-P." and "Hans-Peter Muller" can be compared."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that Unicode decomposition leaves alone but people type without the stroke.
_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "dr", "prof"})
_NON_WORD = re.compile(r"[^\w\s]|_")
_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")  # O'Connor -> oconnor, not "o connor"


@lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    """ASCII-fold accented letters; keeps matching independent of how a source typed them.

    Cached: an import folds the same names and institutions over and over."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    # NFC afterwards puts Hangul syllables back together (NFKD splits them into jamo, which are no accents).
    return unicodedata.normalize("NFC", "".join(ch for ch in text if not unicodedata.combining(ch)))


def display_name(name: str) -> str:
    """Turn "Last, First" into "First Last" (suffixes after a second comma are dropped)."""
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) >= 2 and _tokens(parts[1]) and not set(_tokens(parts[1])) <= _SUFFIXES:
        return f"{parts[1]} {parts[0]}"
    return " ".join(name.split())


def _tokens(text: str) -> list[str]:
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", strip_accents(text))).split()


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
