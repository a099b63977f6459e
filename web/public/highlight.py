"""Evidence snippets with the matched terms wrapped in <mark>, every other character HTML-escaped."""
from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

_START, _END = "\x00", "\x01"  # never changed by escape(); used only when the text has neither


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Clamp spans to the text and merge overlaps, so marks never nest or cut a character twice."""
    clean = sorted((max(0, int(a)), min(length, int(b))) for a, b in spans)
    merged: list[tuple[int, int]] = []
    for start, end in clean:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, spans: Iterable[tuple[int, int]] = ()) -> Markup:
    """Escape `text` and mark `spans`; the text comes from documents, so it is never trusted as HTML."""
    merged = merge_spans(spans, len(text))
    if not merged:
        return escape(text)
    if type(text) is str and _START not in text and _END not in text:
        # Escape once with two placeholder characters escaping leaves alone, then put the tags in (a search
        # page highlights ~45 snippets; one escape call each instead of one per piece).
        parts: list[str] = []
        cursor = 0
        for start, end in merged:
            parts += (text[cursor:start], _START, text[start:end], _END)
            cursor = end
        parts.append(text[cursor:])
        return Markup(str(escape("".join(parts))).replace(_START, "<mark>").replace(_END, "</mark>"))
    pieces: list[str] = []
    cursor = 0
    for start, end in merged:
        pieces.append(str(escape(text[cursor:start])))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(str(escape(text[cursor:])))
    return Markup("".join(pieces))
