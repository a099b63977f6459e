"""A match's evidence lines: one per work, never the same sentence twice."""
from __future__ import annotations

from matcher.ranking.page import build_matches
from matcher.ranking.scored import ScoredEntity
from matcher.types import DocText, EntityCard

CARD = EntityCard(id="org:nano", kind="organization", name="NanoMech", organization=None, region=None, group="org:nano")
PHASE_1 = DocText("d1", "award", "Biomimetic Nanostructured Coating for Dry Machining",
                  "The goal of this project is a nanostructured coating for dry machining of steels.", 2004, None)
PHASE_2 = DocText("d2", "award", "Biomimetic  nanostructured coating for dry machining",
                  "This Phase II develops a nanostructured coating for dry machining of austenitic steels.", 2005, None)
OTHER = DocText("d3", "award", "Self-lubricating coatings",
                "Solid lubricant coatings extend tool life in dry machining.", 2004, None)
SAME_SENTENCE = DocText("d4", "publication", "Coatings for machining, a review",
                        "Solid lubricant coatings extend tool life in dry machining.", 2006, None)


def _evidence(*docs: DocText) -> list[str | None]:
    item = ScoredEntity(score=1.0, card=CARD, documents=tuple(d.id for d in docs))
    match, = build_matches([item], "dry machining coating", {d.id: d for d in docs}, with_evidence=True)
    return [e.document_id for e in match.evidence]


def test_a_follow_on_award_of_the_same_title_is_not_shown_twice() -> None:
    assert _evidence(PHASE_1, PHASE_2, OTHER) == ["d1", "d3"]


def test_the_same_sentence_from_another_document_is_not_repeated() -> None:
    assert _evidence(OTHER, SAME_SENTENCE, PHASE_1) == ["d3", "d1"]


def test_different_works_all_give_evidence() -> None:
    assert _evidence(PHASE_1, OTHER) == ["d1", "d3"]
