"""A gunicorn worker runs one search before it takes requests, loading what the first search would."""
from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from web import create_app
from web.warmup import warm_up

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


def _fresh_app(app_config: dict[str, Any]) -> Any:
    """A second app on the seeded database and index: what a new worker starts with."""
    return create_app(app_config)


def _loaded_templates(app: Any) -> set[str]:
    return {key[1] for key in (app.jinja_env.cache or {}).keys()}


def test_warm_up_opens_the_index_and_renders_a_search(app_config: dict[str, Any], world: Any) -> None:
    import gc

    from web.warmup import YOUNG_GENERATION_THRESHOLD

    worker = _fresh_app(app_config)
    threshold = gc.get_threshold()
    try:
        runtime = worker.extensions["innobridge"]
        assert runtime._search is None and not _loaded_templates(worker)  # a new app loads nothing
        assert warm_up(worker) > 0
        assert runtime._search is not None
        assert "public/results.html" in _loaded_templates(worker)
        assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, *threshold[1:])  # searches collect seldom
    finally:
        gc.set_threshold(*threshold)
        worker.extensions["innobridge"].close()


def test_gunicorn_calls_it_after_loading_the_app(app_config: dict[str, Any], world: Any,
                                                  monkeypatch: Any) -> None:
    worker = _fresh_app(app_config)
    try:
        monkeypatch.setenv("GUNICORN_WARM_UP", "true")
        hooks = runpy.run_path(str(GUNICORN_CONF))
        hooks["post_worker_init"](SimpleNamespace(wsgi=worker))
        assert "public/results.html" in _loaded_templates(worker)
    finally:
        worker.extensions["innobridge"].close()
