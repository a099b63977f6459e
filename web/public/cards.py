"""One search result's card as HTML, built in Python instead of a Jinja include per result.

Why: a search page shows ~17 cards and Jinja spent ~45 us of CPU on each (a context per include, a
`Context.call` for every filter, method and gettext, a url_for per card). This builds the same bytes
from the same objects the template read, taken from the render's context: the page's memoised gettext
(`_`), its label tables (KIND_LABELS, BAND_NAMES, DOCUMENT_KINDS), the region and capability filters.

The part of a card that depends only on the entity (its link, name, kind, organisation and region) and
the page's language is kept, keyed by exactly those values, so a renamed or moved entity makes a new key
and nothing stale is shown; nothing of the visitor or the query is in it. `public/_match.html` calls
`result_card`, so every page that shows a match (search, problem) prints the same card;
tests/web/test_cards.py holds it to the Jinja markup it replaced.
"""
from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import has_request_context, request, url_for
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from matcher.ranking.bands import band_of

from .highlight import highlight

#: Entity parts kept at most (~600 bytes each); then they start over.
MAX_KEPT = 20_000

_entity_parts: dict[Hashable, tuple[str, str]] = {}


def _label(table: Any, code: str) -> Any:
    """`table.get(code, code)` on a label table (a PageLabels or a plain dict)."""
    try:
        return table[code]
    except KeyError:
        return code


def _render_entity_parts(context: Context, m: Any) -> tuple[str, str]:
    """The markup before the band's name and the markup after the band up to the match's own lines."""
    head = "".join((
        '<article class="card result" data-kind="', escape(m.entity_kind), '">\n  <header class="result-head">\n'
        '    <h3><a href="', escape(url_for("public.entity", entity_id=m.entity_id)), '">', escape(m.name),
        '</a></h3>\n    <span class="band band-',
    ))
    meta = ['</span>\n  </header>\n  <p class="muted">\n    <span class="tag kind">',
            escape(_label(context["KIND_LABELS"], m.entity_kind)), "</span>\n    "]
    if m.organization:
        meta.append(escape(m.organization))
    if m.organization and m.region:
        meta.append(" · ")
    if m.region:
        meta.append(escape(context.environment.filters["region_name"](context, m.region)))
    meta.append("\n  </p>\n  ")
    return head, "".join(meta)


def _entity_parts_of(context: Context, m: Any) -> tuple[str, str]:
    locale = context.get("current_locale")
    if not isinstance(locale, str) or not has_request_context():  # no page's locale or link root to key it by
        return _render_entity_parts(context, m)
    key = (locale, request.script_root, m.entity_id, m.name, m.entity_kind, m.organization, m.region)
    try:
        return _entity_parts[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value: render it every time
        return _render_entity_parts(context, m)
    parts = _render_entity_parts(context, m)
    if len(_entity_parts) >= MAX_KEPT:
        _entity_parts.clear()
    _entity_parts[key] = parts
    return parts


@pass_context
def result_card(context: Context, m: Any, extra: Any = None) -> Markup:
    """The card of one match (a ranked Match or a StoredMatch), with `extra` markup at its end."""
    gettext = context["_"]
    band = band_of(m.score)
    head, meta = _entity_parts_of(context, m)
    out = [head, escape(band), '" title="', escape(gettext(context, "relevance, calibrated on judged examples")),
           '">', escape(context["BAND_NAMES"][band]), meta]
    if m.components.get("name"):
        out += ['\n    <p class="named">', escape(gettext(context, "Your text names %(name)s.", name=m.name)),
                "</p>\n  "]
    out.append("\n  ")
    if m.capabilities:
        capability_filter = context.environment.filters["capability_name"]
        out.append('\n    <p class="capabilities">')
        for c in m.capabilities:
            out += ['<span class="tag">', escape(capability_filter(context, c)), "</span>"]
        out.append("</p>\n  ")
    out.append("\n  ")
    if m.evidence:
        document_kinds = context["DOCUMENT_KINDS"]
        out.append('\n    <ul class="evidence">\n      ')
        for e in m.evidence[:3]:
            out += ["\n        <li><q>", highlight(e.text, e.highlights), '</q> <span class="muted source">— ']
            if e.document_kind:
                out.append(escape(_label(document_kinds, e.document_kind)))
                if e.document_title != e.text:
                    out += [": ", escape(e.document_title)]
                if e.year:
                    out += [" (", escape(e.year), ")"]
            else:
                out.append(escape(e.source))
            out.append("</span></li>\n      ")
        out.append("\n    </ul>\n  ")
    out.append("\n  ")
    if extra:
        out.append(escape(extra))
    out.append("\n</article>")
    return Markup("".join(out))
