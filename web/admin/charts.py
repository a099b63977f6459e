"""Tiny server-rendered SVG charts: no JavaScript, no CDN, readable on a phone; every label is escaped."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import format_decimal, gettext
from markupsafe import Markup, escape

from ..labels import N_

WIDTH = 440
LABEL_W = 140
ROW = 26
FONT = 12
#: marked here: pybabel does not see a gettext() call inside an f-string
NO_DATA = N_("no data yet")
COLOURS = ("#0b5cad", "#2f77c4", "#5592d3", "#7aaddf", "#a0c6ea", "#c4dcf3")
LIGHT = "#c4dcf3"


def _number(value: object) -> float:
    try:
        return max(float(value), 0.0)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _fmt(value: float) -> str:
    """A figure in the page's locale: grouped thousands, one decimal when it has one."""
    return format_decimal(value, "#,##0" if value == int(value) else "#,##0.0")


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _open(height: int, title: str) -> str:
    return (f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}" font-size="{FONT}" '
            f'font-family="system-ui, sans-serif"><title>{escape(title)}</title>')


def bar_chart(labels: Sequence[object], values: Sequence[object], title: str,
              secondary: Sequence[object] | None = None, legend: tuple[str, str] | None = None) -> Markup:
    """Horizontal bars scaled to the largest value; an optional second series (e.g. outcomes within
    all matches) is drawn darker over a light first series."""
    numbers = [_number(v) for v in values]
    inner = [_number(v) for v in secondary] if secondary is not None else None
    peak = max(numbers + (inner or []), default=0.0) or 1.0
    top = 22 if legend else 4
    height = top + ROW * max(len(numbers), 1) + 6
    span = WIDTH - LABEL_W - 50
    parts = [_open(height, title)]
    if legend:
        parts.append(f'<rect x="{LABEL_W}" y="4" width="10" height="10" fill="{LIGHT}"/>'
                     f'<text x="{LABEL_W + 14}" y="13">{escape(legend[0])}</text>'
                     f'<rect x="{LABEL_W + 110}" y="4" width="10" height="10" fill="{COLOURS[0]}"/>'
                     f'<text x="{LABEL_W + 124}" y="13">{escape(legend[1])}</text>')
    for i, (label, value) in enumerate(zip(labels, numbers)):
        y = top + i * ROW
        width = span * value / peak
        text = str(label)
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 17}" text-anchor="end">{escape(_short(text))}</text>')
        fill = LIGHT if inner is not None else COLOURS[0]
        parts.append(f'<rect x="{LABEL_W}" y="{y + 4}" width="{width:.1f}" height="{ROW - 8}" fill="{fill}">'
                     f'<title>{escape(text)}: {_fmt(value)}</title></rect>')
        caption = _fmt(value)
        if inner is not None and i < len(inner):
            parts.append(f'<rect x="{LABEL_W}" y="{y + 8}" width="{span * inner[i] / peak:.1f}" '
                         f'height="{ROW - 16}" fill="{COLOURS[0]}"/>')
            caption = f"{_fmt(inner[i])} / {_fmt(value)}"
        parts.append(f'<text x="{LABEL_W + width + 4:.1f}" y="{y + 17}">{caption}</text>')
    if not numbers:
        parts.append(f'<text x="10" y="{top + 16}">{escape(gettext(NO_DATA))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def funnel_chart(labels: Sequence[object], values: Sequence[object], title: str) -> Markup:
    """Centred bars narrowing stage by stage."""
    numbers = [_number(v) for v in values]
    peak = max(numbers, default=0.0) or 1.0
    height = ROW * max(len(numbers), 1) + 8
    centre = LABEL_W + (WIDTH - LABEL_W) / 2
    span = WIDTH - LABEL_W - 10
    parts = [_open(height, title)]
    for i, (label, value) in enumerate(zip(labels, numbers)):
        y = 4 + i * ROW
        width = max(span * value / peak, 2.0)
        colour = COLOURS[min(i, len(COLOURS) - 1)]
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 17}" text-anchor="end">{escape(_short(str(label)))}</text>')
        parts.append(f'<rect x="{centre - width / 2:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" '
                     f'fill="{colour}"/>')
        ink = "#fff" if i < 3 and value > peak / 4 else "#1d2330"
        parts.append(f'<text x="{centre:.1f}" y="{y + 17}" text-anchor="middle" fill="{ink}">{_fmt(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def table_chart(table: Any) -> Markup:
    """The chart of one control-tower table: a funnel, paired bars (all / with an outcome) or plain bars."""
    labels = [row[0] for row in table.rows]
    values = [row[table.value_column] for row in table.rows]
    if table.chart == "funnel":
        return funnel_chart(labels, values, table.title)
    if table.inner_column is not None:
        return bar_chart(labels, values, table.title, [row[table.inner_column] for row in table.rows],
                         legend=(table.columns[table.value_column], table.columns[table.inner_column]))
    return bar_chart(labels, values, table.title)
