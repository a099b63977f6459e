"""Name keys: what counts as naming a firm, lab or person in running text."""
from __future__ import annotations

import pytest

from matcher.ranking.names import name_key, text_phrases


@pytest.mark.parametrize(("name", "key"), [
    ("2PHASE TECHNOLOGIES, INC.", "2phase technologies"),
    ("3TEX", "3tex"),
    ("The Acme Coatings Company", "acme coatings"),
    ("Müller Präzision GmbH", "muller prazision"),
    ("Advanced Materials Research, LLC", None),  # generic words only: names nobody
    ("ABC", None),  # too short to be told from an acronym in the text
])
def test_name_key(name: str, key: str | None) -> None:
    assert name_key(name) == key


def test_a_person_needs_two_words() -> None:
    assert name_key("Hans-Peter Müller", person=True) == "hans peter muller"
    assert name_key("Smith", person=True) is None


def test_text_phrases_cover_every_name_written_in_the_text() -> None:
    phrases = set(text_phrases("3TEX, in collaboration with COI Ceramics Inc., will design a fastener."))
    assert {"3tex", "coi ceramics", "coi ceramics will", "design a fastener"} <= phrases
    assert name_key("COI Ceramics, Inc.") in phrases
    assert "ceramics inc" not in phrases  # legal forms are dropped on both sides


def test_text_phrases_are_bounded_and_distinct() -> None:
    phrases = text_phrases("a b " * 100, max_words=3)
    assert len(phrases) == len(set(phrases))
    assert max(len(p.split()) for p in phrases) == 3
