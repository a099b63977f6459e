"""Hit.of builds the same frozen Hit as its constructor (the local backend builds a few hundred a search)."""
from __future__ import annotations

import dataclasses

import pytest

from matcher.types import Hit


def test_hit_of_is_the_constructor() -> None:
    fast = Hit.of("document:1", 2.5, "publication", ("researcher:1",), 120, 2021)
    built = Hit(id="document:1", score=2.5, kind="publication", entity_ids=("researcher:1",), length=120, year=2021)
    assert fast == built and hash(fast) == hash(built) and repr(fast) == repr(built)
    assert dataclasses.replace(fast, score=1.0) == dataclasses.replace(built, score=1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.score = 1.0  # type: ignore[misc]
