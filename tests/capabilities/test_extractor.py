"""Unit tests for the extractor: offsets, sentences, lemma/spelling/case matching, helpers."""
from __future__ import annotations

import pytest

from matcher.capabilities.extractor import (
    CapabilityExtractor,
    aggregate_mentions,
    evidence_rows,
    get_extractor,
    lower_preserving_offsets,
    text_mentions,
)
from matcher.types import CapabilityMention


@pytest.fixture(scope="module")
def ex() -> CapabilityExtractor:
    return get_extractor()


def ids(ex: CapabilityExtractor, text: str) -> set[str]:
    return {m.capability_id for m in ex.extract(text) if not m.is_keyphrase}


TEXT = ("We study laser welding of aluminium alloys. Porosity in the welds is measured by "
        "X-ray computed tomography! Robots then handle the parts.")


def test_text_mentions_are_the_extractors_and_kept(ex: CapabilityExtractor) -> None:
    """A problem text's mentions, asked twice (ranking, then the page's chips), are extracted once and are
    what the extractor itself finds; a tuple, so no caller can change what the next one reads."""
    first = text_mentions(TEXT)
    assert isinstance(first, tuple)
    assert list(first) == ex.extract(TEXT)
    assert text_mentions(TEXT) is first
    assert text_mentions(TEXT + " Milling too.") is not first


def test_offsets_and_sentences(ex: CapabilityExtractor) -> None:
    mentions = ex.extract(TEXT)
    assert mentions
    for m in mentions:
        surface = TEXT[m.start:m.end]
        assert surface and surface == surface.strip()
        assert surface in m.sentence
        assert m.sentence in TEXT
    by_id = {m.capability_id: m for m in mentions}
    assert TEXT[by_id["core:laser-welding"].start:by_id["core:laser-welding"].end] == "laser welding"
    assert by_id["core:xct"].sentence == "Porosity in the welds is measured by X-ray computed tomography!"
    assert by_id["core:robotics"].sentence == "Robots then handle the parts."


def test_longest_match_wins(ex: CapabilityExtractor) -> None:
    got = [m for m in ex.extract("laser welding") if not m.is_keyphrase]
    assert [m.capability_id for m in got] == ["core:laser-welding"]


@pytest.mark.parametrize("text", ["The plates were welded.", "Welding of steel plates.", "Two welds failed."])
def test_lemma_matching(ex: CapabilityExtractor, text: str) -> None:
    assert "core:welding" in ids(ex, text)


def test_laser_welded_lemma(ex: CapabilityExtractor) -> None:
    assert "core:laser-welding" in ids(ex, "Parts were laser welded in argon.")


@pytest.mark.parametrize("text", ["aluminium alloys", "aluminum alloys", "Aluminum alloy"])
def test_spelling_variants(ex: CapabilityExtractor, text: str) -> None:
    assert "core:aluminium-alloys" in ids(ex, text)


def test_spelling_variants_isation(ex: CapabilityExtractor) -> None:
    assert "core:materials-characterisation" in ids(ex, "materials characterization")
    assert "core:materials-characterisation" in ids(ex, "Materials Characterisation")


def test_case_insensitive(ex: CapabilityExtractor) -> None:
    assert ids(ex, "ADDITIVE MANUFACTURING OF PARTS") >= {"core:additive-manufacturing"}
    assert ids(ex, "Additive Manufacturing") >= {"core:additive-manufacturing"}


def test_acronyms_need_capitals(ex: CapabilityExtractor) -> None:
    assert "core:microscopy" in ids(ex, "Samples were imaged by SEM.")
    assert "core:microscopy" not in ids(ex, "Sem and tem are names here.")
    assert "core:semiconductors" in ids(ex, "GaN devices")


def test_machine_is_not_machining(ex: CapabilityExtractor) -> None:
    assert "core:machining" not in ids(ex, "A machine learning model on the ground.")
    assert "core:machining" in ids(ex, "CNC machining and machined parts")


def test_non_ascii_offsets(ex: CapabilityExtractor) -> None:
    text = "İstanbul Çelik A.Ş. — laser welding of ﬁne Stahl; Größe: additive manufacturing."
    assert len(lower_preserving_offsets(text)) == len(text)
    mentions = ex.extract(text)
    surfaces = {m.capability_id: text[m.start:m.end] for m in mentions}
    assert surfaces["core:laser-welding"] == "laser welding"
    assert surfaces["core:additive-manufacturing"] == "additive manufacturing"
    for m in mentions:
        assert text[m.start:m.end] in m.sentence


def test_empty_text(ex: CapabilityExtractor) -> None:
    assert ex.extract("") == []
    assert ex.extract("   ") == []
    assert ex.extract_many([]) == []
    assert ex.extract_many(["", "corrosion"])[0] == []


def test_extract_many_matches_extract(ex: CapabilityExtractor) -> None:
    texts = [TEXT, "", "Corrosion of steel.", "nothing relevant"]
    assert ex.extract_many(texts, batch_size=2) == [ex.extract(t) for t in texts]


def test_keyphrases(ex: CapabilityExtractor) -> None:
    text = ("Cryogenic tank liners need better permeation barriers. Cryogenic tank liners crack. "
            "We propose welding.")
    kps = [m for m in ex.extract(text) if m.is_keyphrase]
    assert any(m.capability_id == "kp:cryogenic tank liner" for m in kps)
    for m in kps:
        assert m.capability_id.startswith("kp:") and m.weight < 1.0
        assert text[m.start:m.end].lower().startswith(m.label.split()[0][:4])
    no_kp = CapabilityExtractor(taxonomy=ex.taxonomy, keyphrases=False)
    assert not any(m.is_keyphrase for m in no_kp.extract(text))


def test_cached_extractor_is_one_object() -> None:
    assert get_extractor() is get_extractor()


def test_aggregate_title_weighs_more() -> None:
    def m(cid: str, w: float = 1.0) -> CapabilityMention:
        return CapabilityMention(cid, cid, 0, 1, "s", weight=w)

    scores = aggregate_mentions({"title": [m("a")], "abstract": [m("b"), m("b")]})
    assert [s.capability_id for s in scores] == ["a", "b"]
    assert scores[1].count == 2
    many = aggregate_mentions({"abstract": [m("c")] * 10})[0]
    assert many.weight < 10  # repetition saturates
    rows = evidence_rows("ent1", "doc1", {"title": [m("a")], "abstract": [m("kp:x", 0.5)]})
    assert {(r.capability_id, r.weight) for r in rows} == {("a", 2.0), ("kp:x", 0.5)}
    assert all(r.entity_id == "ent1" and r.document_id == "doc1" for r in rows)
