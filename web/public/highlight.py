"""Evidence snippets with the matched terms wrapped in <mark>, every other character HTML-escaped."""
from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape


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
    parts: list[str] = []
    cursor = 0
    for start, end in merge_spans(spans, len(text)):
        parts.append(str(escape(text[cursor:start])))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(str(escape(text[cursor:])))
    return Markup("".join(parts))
