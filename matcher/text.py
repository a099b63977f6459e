"""Folding text for comparison: the one place that decides how accents and scripts are dropped
(and which characters count as blank at the ends of a text people send).

Two rules, because two comparisons need them. `strip_accents` keeps every script (Hangul names
stay Hangul) and folds what people type without the stroke (ø -> o): author and organisation names
from different sources are matched with it. `ascii_fold` keeps ASCII only: the ranking's name keys
(matcher.ranking.names) are stored in the search index in that form, and e-mail local parts must be
ASCII. Changing either changes stored keys, so a change here needs an index rebuild.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters that Unicode decomposition leaves alone but people type without the stroke.
_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"})


@lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    """Case-folded, accents dropped, every script kept: "Müller" -> "muller", "서울대학교" unchanged.

    Cached, with an ASCII shortcut: an import folds the same names and institutions over and over."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    # NFC afterwards puts Hangul syllables back together (NFKD splits them into jamo, which are no accents).
    return unicodedata.normalize("NFC", "".join(ch for ch in text if not unicodedata.combining(ch)))


def ascii_fold(text: str) -> str:
    """Accents dropped and anything without an ASCII form removed; case kept: "Müller" -> "Muller"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


#: What JSON Schema's `\s` (ECMA-262 white space and line terminators) calls blank, no more: the API's
#: OpenAPI patterns judge texts with it, so the server trims exactly these. Python's str.strip() also drops
#: the separators U+001C-U+001F and U+0085, and keeps U+FEFF, so a text valid by the schema came out
#: too short after it (schemathesis found it).
BLANK = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
        "\u2028\u2029\u202f\u205f\u3000\ufeff"


def trim(text: str) -> str:
    """The text without blank characters (BLANK) at either end."""
    return text.strip(BLANK)
