"""Warm a worker before it takes requests, so the first visitor's search is as fast as the rest.

The encoder's graph, spaCy, the index readers and the templates load on first use (4.8 s for the
first search after start, measured); gunicorn calls `warm_up` in each worker after it has loaded the
app (config/gunicorn.conf.py), before the worker accepts a connection.
"""
from __future__ import annotations

import logging
import time

from flask import Flask

log = logging.getLogger(__name__)

#: A realistic short problem: it touches every part a search page uses.
WARM_UP_QUERY = "porosity in laser welding of aluminium parts"


def warm_up(app: Flask) -> float:
    """Run one search page in-process and return its milliseconds; a failure is logged, not raised."""
    started = time.perf_counter()
    try:
        response = app.test_client().get("/search", query_string={"q": WARM_UP_QUERY})
        if response.status_code != 200:
            log.warning("warm-up search answered %s", response.status_code)
    except Exception:  # noqa: BLE001 - a worker that cannot warm up still serves (and reports errors then)
        log.exception("warm-up search failed")
    elapsed = (time.perf_counter() - started) * 1000
    log.info("worker warmed up in %.0f ms", elapsed)
    return elapsed
