"""Warm a worker before it takes requests, so the first visitor's search is as fast as the rest.

The encoder's graph, spaCy, the index readers and the templates load on first use (4.8 s for the
first search after start, measured); gunicorn calls `warm_up` in each worker after it has loaded the
app (config/gunicorn.conf.py), before the worker accepts a connection.
"""
from __future__ import annotations

import gc
import logging
import time

from flask import Flask

log = logging.getLogger(__name__)

#: Realistic short problems, one per language the network writes in: together they touch every part a
#: search page uses, Korean segmentation included (Kiwi's first use costs ~3 s and ~100 MB per process).
WARM_UP_QUERIES = ("porosity in laser welding of aluminium parts", "알루미늄 레이저 용접부의 기공")
#: Allocations between two collections of the youngest generation (Python's default: 700). A search
#: allocates tens of thousands of short-lived containers, nearly all freed by reference counting; at 700
#: the collector ran ~2.6 times a search and promoted survivors to older passes (0.9 ms of a cold search's
#: CPU, gc.callbacks), at 20,000 about once every 30 searches (0.3 ms).
YOUNG_GENERATION_THRESHOLD = 20_000


def warm_up(app: Flask) -> float:
    """Run the warm-up searches in-process and return their milliseconds; a failure is logged, not raised."""
    started = time.perf_counter()
    try:
        from matcher.services.matching import prepare
        from web.extensions import runtime

        with app.app_context():
            prepare(runtime())
    except Exception:  # noqa: BLE001 - searches then read what they need from SQL, as on a cold start
        log.exception("reading the candidates' attributes or the index's stored fields failed")
    client = app.test_client()
    for query in WARM_UP_QUERIES:
        try:
            response = client.get("/search", query_string={"q": query})
            if response.status_code != 200:
                log.warning("warm-up search answered %s", response.status_code)
        except Exception:  # noqa: BLE001 - a worker that cannot warm up still serves (and reports errors then)
            log.exception("warm-up search failed")
    # What warm-up loaded (models, taxonomy, the candidates' attributes: millions of objects) lives as long
    # as the worker: kept out of the collector's full passes, which otherwise scan it every few requests
    # (2-4 ms of CPU per search, measured with gc.callbacks).
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
    elapsed = (time.perf_counter() - started) * 1000
    log.info("worker warmed up in %.0f ms", elapsed)
    return elapsed
