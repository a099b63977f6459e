"""The per-render translations (web.page_text) print exactly what Flask-Babel's template gettext prints:
the same catalogue, the same escaping and formatting, in both languages and with autoescape on or off."""
from __future__ import annotations

from typing import Any

import pytest
from flask import render_template_string

from web.labels import BAND_NAMES, KIND_LABELS
from web.page_text import PageLabels, render_context

TEMPLATE = (
    "{{ _('Kind') }}|{{ _('Kind') }}|{{ gettext('Region') }}|{{ _('100%%') }}|"
    "{{ _('Your text names %(name)s.', name=name) }}|{{ _('%(kind)s only', kind=KIND_LABELS['lab']) }}|"
    "{{ ngettext('%(num)s result', '%(num)s results', 1) }}|{{ ngettext('%(num)s result', '%(num)s results', n, "
    "num='<b>7</b>') }}|{{ KIND_LABELS.get('equipment', 'x') }}|{{ KIND_LABELS.get('robot', 'robot') }}|"
    "{{ _('InnoBridge — connecting manufacturers with research partners. Data: NSF, SBIR.gov, CORDIS, ROR, "
    "OpenAlex (see <a href=\"%(url)s\">sources</a>).', url='/about?a=1&b=2') }}|"
    "{{ BAND_NAMES['strong'] }}|{{ BAND_NAMES['strong'] }}|{{ 'weak' in BAND_NAMES }}|{{ KIND_LABELS|length }}"
    "{% autoescape false %}|{{ _('Your text names %(name)s.', name=name) }}|{{ _('Kind') }}{% endautoescape %}"
)


def _both(app: Any, language: str, source: str, **values: Any) -> tuple[str, str]:
    """(Flask-Babel's own callables and labels, this module's), rendered in one request of `language`."""
    with app.test_request_context("/", headers={"Accept-Language": language}):
        babel = app.jinja_env.from_string(source).render(**values)  # no context processors: the env's globals
        ours = render_template_string(source, **values)
        assert render_context()["gettext"] is not render_context()["gettext"]  # bound per render, not shared
    return babel, ours


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("html", [True, False])
def test_memoised_gettext_prints_what_flask_babel_prints(app: Any, language: str, html: bool) -> None:
    app.jinja_env.autoescape = html
    try:
        babel, ours = _both(app, language, TEMPLATE, name="<i>A & B</i>", n=3)
    finally:
        app.jinja_env.autoescape = True
    assert ours == babel
    assert ("&lt;i&gt;" in ours) is html  # the variables are escaped exactly when the page escapes
    assert ('<a href="/about?a=1&amp;b=2">' in ours) is html  # a translation's own markup is kept
    if language == "ko":
        assert "종류" in ours or any("\uac00" <= ch <= "\ud7a3" for ch in ours)


def test_page_labels_translate_each_label_once_and_print_like_the_lazy_string(app: Any) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "ko"}):
        labels = PageLabels(KIND_LABELS)
        first = labels["researcher"]
        assert labels["researcher"] is first
        assert str(first) == str(KIND_LABELS["researcher"]) != "Researcher"
        assert dict(PageLabels(BAND_NAMES)) == {k: str(v) for k, v in BAND_NAMES.items()}
        with pytest.raises(KeyError):
            labels["robot"]


def test_translations_kept_between_renders_stay_in_their_language(app: Any) -> None:
    """Messages and labels are kept per catalogue across renders: each request still gets its own language."""
    source = "{{ _('Kind') }}|{{ KIND_LABELS['lab'] }}|{{ BAND_NAMES['strong'] }}"
    seen = {}
    for language in ("en", "ko", "en", "ko"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            ours = render_template_string(source)
            babel = app.jinja_env.from_string(source).render()  # Flask-Babel's callables and lazy labels
            assert ours == babel
            assert seen.setdefault(language, ours) == ours
            labels = PageLabels(KIND_LABELS)
            assert labels["lab"] == str(KIND_LABELS["lab"])
    assert seen["en"] != seen["ko"]
    assert seen["en"].startswith("Kind|")
