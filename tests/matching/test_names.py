"""Name keys: what counts as naming a firm, lab or person in running text."""
from __future__ import annotations

import pytest

from matcher.ranking.names import mention_key, text_phrases


@pytest.mark.parametrize(("name", "key"), [
    ("2PHASE TECHNOLOGIES, INC.", "2phase technologies"),
    ("3TEX", "3tex"),
    ("The Acme Coatings Company", "acme coatings"),
    ("Müller Präzision GmbH", "muller prazision"),
    ("Advanced Materials Research, LLC", None),  # generic words only: names nobody
    ("ABC", None),  # too short to be told from an acronym in the text
])
def test_mention_key(name: str, key: str | None) -> None:
    assert mention_key(name) == key


def test_a_person_needs_two_words() -> None:
    assert mention_key("Hans-Peter Müller", person=True) == "hans peter muller"
    assert mention_key("Smith", person=True) is None


def test_text_phrases_cover_every_name_written_in_the_text() -> None:
    phrases = set(text_phrases("3TEX, in collaboration with COI Ceramics Inc., will design a fastener."))
    assert phrases == {"3tex", "coi", "coi ceramics", "ceramics"}  # legal forms are dropped on both sides
    assert mention_key("COI Ceramics, Inc.") in phrases and mention_key("3TEX") in phrases


def test_only_capitalised_runs_can_be_names() -> None:
    phrases = set(text_phrases("We need optimal control of the Massachusetts Institute of Technology furnace."))
    assert "optimal" not in phrases  # "optimal control" does not name Optimal, LLC
    assert mention_key("Massachusetts Institute of Technology") in phrases
    assert "of technology" not in phrases  # a name does not start with a connector
    assert "optimal" in text_phrases("Optimal will build the fixture.")


def test_a_text_without_capitals_gives_no_case_hint() -> None:
    assert "ada welder" in text_phrases("laser welding with ada welder")


def test_text_phrases_are_bounded_and_distinct() -> None:
    phrases = text_phrases("A B " * 100, max_words=3)
    assert len(phrases) == len(set(phrases))
    assert max(len(p.split()) for p in phrases) == 3
