"""The import's evidence rows, taken from the extractor's spans (indexers/evidence.pair_evidence), are the
rows that extract() + aggregate_mentions() + evidence_values() give for the same (title, text) pair."""
from __future__ import annotations

from indexers.evidence import evidence_values, pair_evidence
from matcher.capabilities.extractor import get_extractor
from tests.capabilities.golden_sample import sample_texts


def _pairs() -> list[tuple[str, str]]:
    texts = [text for _, text in sample_texts()]
    # neighbours of the demo sample as (title, text): English, Korean, mixed, short and long
    return [(texts[i], texts[i + 1]) for i in range(len(texts) - 1)] + [("", texts[0]), (texts[0], ""), ("", " ")]


def test_pair_evidence_equals_the_evidence_of_the_extracted_mentions() -> None:
    extractor = get_extractor()
    pairs = _pairs()
    assert len(pairs) > 1000
    kept = 0
    for title, text in pairs:
        title_mentions, text_mentions = extractor.extract_many([title, text])
        expected = evidence_values({"title": title_mentions, "text": text_mentions})
        assert pair_evidence(extractor, title, text) == expected, (title[:80], text[:80])
        kept += len(expected)
    assert kept > 5000  # a sample with evidence in it, title spans included
