"""One page render's translations, each message looked up once.

Why: Flask-Babel finds the request's catalogue anew for every message (three look-ups of its request
state through Werkzeug's proxies each time), and a search page asks ~85 times for about 30 distinct
strings and labels (a few per shown match). `render_context()` binds the catalogue once per render and
gives templates `gettext`, `_` and `ngettext` that memoise; `PageLabels` does the same for a table of
lazy labels (kinds, bands). The strings are the same: the same catalogue, and the same handling as Jinja's
newstyle gettext (jinja2.ext._make_new_gettext: Markup when autoescaping, always a format string).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


class PageLabels(Mapping[str, Any]):
    """A label table (code -> lazy translated string) read during one render: each label translated once.

    A lazy string prints as `Markup(str(label))` (its __html__ is not escaped), so the memoised value is
    that Markup: printing it, or passing it to a translated format string, gives the same text.
    """

    def __init__(self, labels: Mapping[str, Any]) -> None:
        self._labels = labels
        self._done: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        try:
            return self._done[key]
        except KeyError:
            value = self._labels[key]
            shown = self._done[key] = Markup(value.__html__()) if hasattr(value, "__html__") else value
            return shown

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def render_context() -> dict[str, Any]:
    """Template variables for one render: gettext, _ and ngettext bound to the render's catalogue."""
    translations = get_translations()
    done: dict[tuple[Any, ...], Any] = {}

    @pass_context
    def gettext(__context: Context, __string: str, **variables: Any) -> str:
        autoescape = __context.eval_ctx.autoescape
        if not variables:
            key = (__string, autoescape)
            if key not in done:
                done[key] = _formatted(translations.ugettext(__string), autoescape, {})
            return done[key]
        return _formatted(translations.ugettext(__string), autoescape, variables)

    @pass_context
    def ngettext(__context: Context, __singular: str, __plural: str, __num: int, **variables: Any) -> str:
        variables.setdefault("num", __num)
        return _formatted(translations.ungettext(__singular, __plural, __num), __context.eval_ctx.autoescape,
                          variables)

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


def _formatted(rv: str, autoescape: bool, variables: Mapping[str, Any]) -> str:
    if autoescape:
        rv = Markup(rv)
    return rv % variables  # always a format string, as Jinja's newstyle gettext does

