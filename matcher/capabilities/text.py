"""Rules on raw text for the extractor: offset-preserving lowercase, the one token rule, sentence boundaries.

Kept apart from matching because these rules need no vocabulary or taxonomy: they only decide where
tokens and sentences are in the original string, so mention offsets and evidence sentences index it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable


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
# also starts a sentence. Two scans, each pattern opening with a character class so the regex engine
# skips ahead in C (one alternation of both cost 2.5x as much); their matches never overlap
# (punctuation against line breaks), so together they are exactly the alternation's matches.
_MARK = "[.!?\u2026\u203c\u203d\u2047-\u2049\u3002\uff01\uff1f\uff61]"
_PUNCTUATION_END = re.compile(_MARK + _MARK + "*[\"'\u201d\u2019)\\]]*(?=\\s)")
_LINE_END = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*[^\W\d_][\w ]{0,30}:)")
_SPACE_RUN = re.compile(r"\s+")
# "e.g. welding" and "J. Smith" do not end a sentence.
_ABBREVIATIONS = frozenset("e.g i.e eg ie al vs cf fig figs approx ca dr prof mr mrs st inc corp ltd eq eqs ref refs "
                           "u.s dept univ".split())


def _sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences start (the first is 0), by rule on the raw text."""
    starts = [0]
    ends: Iterable[re.Match[str]] = _PUNCTUATION_END.finditer(text)
    if "\n" in text:  # line breaks can end sentences too: both scans, in text order
        ends = sorted([*ends, *_LINE_END.finditer(text)], key=lambda m: m.start())
    for m in ends:
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
