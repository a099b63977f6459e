"""Ids and keys that make writes idempotent: stable ids from source keys, organisation name keys, content hashes.

Kept apart from the writer because they are pure functions that other importers use too (the
evaluation data sets build ids with them), and the per-kind record writers need them without the writer.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from matcher.text import strip_accents


def stable_id(kind: str, key: str) -> str:
    """`kind:<20 hex>` from a source key: the same source row always gets the same id."""
    digest = hashlib.sha1(f"{kind}|{key}".encode("utf-8")).hexdigest()[:20]
    return f"{kind}:{digest}"


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Organisation names compared without case, accents, punctuation or a leading "The" (cached: an
    import meets the same institutions again and again)."""
    words = "".join(ch if ch.isalnum() else " " for ch in strip_accents(name)).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def content_hash(*parts: Any) -> str:
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()
