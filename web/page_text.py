"""One page render's translations, each message looked up once.

Why: Flask-Babel finds the request's catalogue anew for every message (three look-ups of its request
state through Werkzeug's proxies each time), and a search page asks ~85 times for about 30 distinct
strings and labels (a few per shown match). `render_context()` binds the catalogue once per render and
gives templates `gettext`, `_` and `ngettext` that memoise; `PageLabels` does the same for a table of
lazy labels (kinds, bands). A message without variables and a lazy label are kept per catalogue object
across renders too: Flask-Babel keeps one catalogue per locale and domain, unchanged while the process runs. The strings are the same: the same catalogue, and the same handling as Jinja's
newstyle gettext (jinja2.ext._make_new_gettext: Markup when autoescaping, always a format string).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


class PageLabels(Mapping[str, Any]):
    """A label table (code -> lazy translated string) read during one render: each label translated once.

    A lazy string prints as `Markup(str(label))` (its __html__ is not escaped), so the memoised value is
    that Markup: printing it, or passing it to a translated format string, gives the same text. A lazy
    label's translation is also shared between renders (`_SHARED`), by the catalogue it was read from.
    """

    def __init__(self, labels: Mapping[str, Any]) -> None:
        self._labels = labels
        self._done: dict[str, Any] = {}
        self._translations: Any = None

    def __getitem__(self, key: str) -> Any:
        try:
            return self._done[key]
        except KeyError:
            shown = self._done[key] = self._shown(self._labels[key])
            return shown

    def _shown(self, value: Any) -> Any:
        if not isinstance(value, LazyString):
            return Markup(value.__html__()) if hasattr(value, "__html__") else value
        if self._translations is None:
            self._translations = get_translations()
        translations = self._translations
        key = (id(translations), id(value))
        kept = _SHARED.get(key)
        if kept is not None and kept[0] is translations and kept[1] is value:
            return kept[2]
        shown = Markup(value.__html__())
        if len(_SHARED) >= MAX_SHARED:
            _SHARED.clear()
        _SHARED[key] = (translations, value, shown)
        return shown

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


#: Lazy labels' translations shared by every render: (catalogue id, label id) -> (catalogue, label, shown).
#: Flask-Babel keeps one catalogue object per locale and domain and never changes it while the process runs,
#: so a label read from the same catalogue always says the same; both objects are held, so neither id can
#: be reused by another object. Why: ~14 labels a search page, each ~5 us through Flask-Babel's lookups.
_SHARED: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
MAX_SHARED = 4096


def render_context() -> dict[str, Any]:
    """Template variables for one render: gettext, _ and ngettext bound to the render's catalogue."""
    translations = get_translations()
    done = _messages_of(translations)

    @pass_context
    def gettext(__context: Context, __string: str, **variables: Any) -> str:
        autoescape = __context.eval_ctx.autoescape
        if not variables:
            key = (__string, autoescape)
            shown = done.get(key)
            if shown is None:
                shown = done[key] = _formatted(translations.ugettext(__string), autoescape, {})
            return shown
        return _formatted(translations.ugettext(__string), autoescape, variables)

    @pass_context
    def ngettext(__context: Context, __singular: str, __plural: str, __num: int, **variables: Any) -> str:
        variables.setdefault("num", __num)
        return _formatted(translations.ungettext(__singular, __plural, __num), __context.eval_ctx.autoescape,
                          variables)

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


#: Messages without variables, formatted, per catalogue: catalogue id -> (catalogue, (message, autoescape) ->
#: text), shared by every render that reads that catalogue (a page asks for ~30 of them).
_MESSAGES: dict[int, tuple[Any, dict[tuple[Any, ...], Any]]] = {}


def _messages_of(translations: Any) -> dict[tuple[Any, ...], Any]:
    kept = _MESSAGES.get(id(translations))
    if kept is not None and kept[0] is translations and len(kept[1]) < MAX_SHARED:
        return kept[1]
    if len(_MESSAGES) >= 64:  # outside a request every call gets a new empty catalogue
        _MESSAGES.clear()
    done: dict[tuple[Any, ...], Any] = {}
    _MESSAGES[id(translations)] = (translations, done)
    return done


def _formatted(rv: str, autoescape: bool, variables: Mapping[str, Any]) -> str:
    if autoescape:
        rv = Markup(rv)
    return rv % variables  # always a format string, as Jinja's newstyle gettext does

