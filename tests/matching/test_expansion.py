"""Short problems find evidence written in the other spelling or spelled out (matcher.ranking.expansion)."""
from __future__ import annotations

from matcher.ranking.expansion import expand, variants
from matcher.services.matching import match


def test_variants_both_ways() -> None:
    assert variants("moulding") == ["molding"] and variants("Molding") == ["moulding"]
    assert variants("aluminum") == ["aluminium"] and variants("fibre") == ["fiber"]
    assert variants("optimisation") == ["optimization"] and variants("optimized") == ["optimised"]
    assert variants("CNC") == ["computer numerical control"]
    assert variants("pet") == []  # a lower-case short word is a word, not an abbreviation
    assert variants("welding") == []


def test_only_short_texts_are_expanded() -> None:
    assert expand("injection moulding of PP parts") == \
        "injection moulding of PP parts molding polypropylene"
    assert expand("moulding and molding") == "moulding and molding"  # nothing twice
    long_text = "reduce the cycle time of injection moulding " * 10
    assert expand(long_text) == long_text


def test_an_american_spelling_finds_british_evidence(runtime, store) -> None:  # type: ignore[no-untyped-def]
    # The store's welding abstracts say "aluminium"; the problem says "aluminum" and nothing else useful.
    result = match(runtime, "aluminum housings", kinds=["researcher"], limit=5)
    welders = set(store.welders_lab) | {store.lone_welder}
    assert result.matches and result.matches[0].entity_id in welders
    evidence = result.matches[0].evidence[0]
    assert any(evidence.text[a:b].lower() == "aluminium" for a, b in evidence.highlights)
    assert result.query == "aluminum housings"  # the user's words are reported as written
