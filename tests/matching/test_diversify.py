"""A page's arrangement (matcher.ranking.page.diversify): one lab or organisation, and one best document,
do not fill a page."""
from __future__ import annotations

from matcher.ranking.page import diversify
from matcher.ranking.scored import ScoredEntity
from matcher.types import EntityCard


def entity(name: str, score: float, group: str, documents: tuple[str, ...]) -> ScoredEntity:
    card = EntityCard(id=f"researcher:{name}", kind="researcher", name=name, organization=None, region=None,
                      group=group)
    return ScoredEntity(score=score, card=card, documents=documents)


def names(items: object) -> list[str]:
    return [item.card.name for item in items]  # type: ignore[attr-defined]


def test_co_investigators_of_one_award_share_a_page_only_when_nothing_else_is_left() -> None:
    scored = [
        entity("garcia", 5.0, "purdue", ("award:collab", "paper:1")),
        entity("stanciu", 4.9, "purdue-2", ("award:collab",)),       # same best document as garcia
        entity("bieler", 4.8, "msu", ("award:other", "award:collab")),  # shares a document, not the best one
        entity("kwon", 4.7, "msu-2", ("paper:2",)),
        entity("no-documents", 4.6, "x", ()),
    ]
    assert names(diversify(scored, max_per_group=2, page_size=4, needed=4)) == [
        "garcia", "bieler", "kwon", "no-documents", "stanciu"]
    # the deferred co-investigator opens the next page
    assert names(diversify(scored, max_per_group=2, page_size=2, needed=5)) == [
        "garcia", "bieler", "stanciu", "kwon", "no-documents"]
    # when every remaining result shares the best document, the page is still filled
    alike = [entity(f"r{i}", 5.0 - i, f"g{i}", ("award:collab",)) for i in range(3)]
    assert names(diversify(alike, max_per_group=2, page_size=3, needed=3)) == ["r0", "r1", "r2"]


def test_the_group_rule_still_holds() -> None:
    scored = [entity(f"r{i}", 5.0 - i, "one-lab", (f"doc:{i}",)) for i in range(3)] + [
        entity("other", 1.0, "other-lab", ("doc:x",))]
    assert names(diversify(scored, max_per_group=2, page_size=3, needed=3)) == ["r0", "r1", "other", "r2"]


def test_a_near_repeat_of_a_shown_sentence_is_left_out() -> None:
    from matcher.ranking.page import build_matches
    from matcher.types import DocText

    first = ("An ideal tool for eliminating Plasmodium falciparum (Pf), the causative agent of 99% of all malaria "
             "deaths, would be a highly effective vaccine that prevents blood stage infection.")
    again = ("An ideal tool for eliminating P. falciparum, the causative agent of 99% of all malaria deaths, would be "
             "a highly effective vaccine that prevents blood stage infection.")
    other = "Mosquitoes raised without an immune response yield more sporozoites for the vaccine."
    texts = {f"award:{i}": DocText(id=f"award:{i}", kind="award", title=f"Award {i}", text=text, year=2010 + i,
                                   url=None)
             for i, text in enumerate((first, again, other))}
    item = entity("sanaria", 5.0, "sanaria", tuple(texts))
    (found,) = build_matches([item], "malaria vaccine", texts, with_evidence=True)
    assert [e.document_id for e in found.evidence] == ["award:0", "award:2"]
