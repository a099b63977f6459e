"""evidence.sentences splits exactly as the look-behind split it replaced: the evidence shown and the
sentence vectors stored at index time are keyed by these pieces, so a different split would change pages."""
from __future__ import annotations

import random
import re

from matcher.ranking.evidence import sentences

_LOOK_BEHIND = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")


def _reference(text: str) -> list[str]:
    return [s.strip() for s in _LOOK_BEHIND.split(text) if s.strip()]


def test_sentences_split_like_the_look_behind_definition() -> None:
    rng = random.Random(15)
    alphabet = "aZ.!?? \n\t\u00a0(\"'19x.Y-"
    texts = ["", " ", "One. Two", "Dr. Smith met 3 people. (Then) 'left'! \"Why?\" 9 a.m. ok. x", "a.\n\nB.  . C"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(20_000)]
    for text in texts:
        assert sentences(text) == _reference(text), repr(text)
    assert sentences("Laser welding works. It joins steel. 3D printing too.") == [
        "Laser welding works.", "It joins steel.", "3D printing too."]
