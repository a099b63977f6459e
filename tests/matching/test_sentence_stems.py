"""Sentence stems stored at index time (matcher.ranking.sentence_stems): the same sentences and stems as
stemming the text, so best_snippet picks the same sentence; never the stems of another text or stemmer."""
from __future__ import annotations

import random
from pathlib import Path

from matcher.ranking import evidence
from matcher.ranking.evidence import best_snippet, query_stems, sentence_stems
from matcher.ranking.sentence_stems import SentenceStems, fingerprint

TITLE = "Bakery and metal works"
TEXT = ("We bake bread and cakes for local cafes.  Our ovens run on natural gas!\n"
        "The team also joins thin aluminium sheets by friction stir welding for boat hulls. Welded hulls float. "
        "Gas-fired ovens (with welded doors) bake bread.")
WORDS = ("laser welding welded weld aluminium sheet sheets bread bake baking oven ovens gas hull hulls boats "
         "corrosion coating coated steel friction stir mixing studies study happy").split()


class Counting:
    """A store that counts what it answered from its files."""

    def __init__(self, store: SentenceStems) -> None:
        self.store, self.answered = store, 0

    def sentences(self, text: str) -> tuple[tuple[str, frozenset[str]], ...] | None:
        found = self.store.sentences(text)
        self.answered += found is not None
        return found


def _texts(rng: random.Random, count: int) -> list[str]:
    texts = [TEXT, "", "   ", "One sentence without an end", "Welding. Welding! Welding? welding"]
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(0, 70)):  # more than MAX_SENTENCES sometimes
            words = [rng.choice(WORDS) for _ in range(rng.randint(0, 12))]
            sentences.append(" ".join(words).capitalize() + rng.choice([".", "!", "?", ""]))
        texts.append(rng.choice([" ", "  ", "\n"]).join(sentences))
    return texts


def test_stored_stems_pick_what_stemming_the_text_picks(tmp_path: Path) -> None:
    rng = random.Random(7)
    texts = _texts(rng, 300)
    store = SentenceStems(tmp_path / "stems", fingerprint())
    assert store.write(texts) == len(set(texts))
    reread = Counting(SentenceStems(tmp_path / "stems", fingerprint()))  # another worker
    for text in texts:
        assert reread.store.sentences(text) == sentence_stems(text), text
    queries = ["friction stir welding of aluminium hulls", "baking bread in gas ovens", "xyzzy", "study of happy boats"]
    for text in texts:
        for query in queries:
            for extra in ((), ("Corrosion coating",)):
                expected = best_snippet(TITLE, text, query_stems(query), extra)
                assert best_snippet(TITLE, text, query_stems(query), extra, reread) == expected, (text, query)
    assert reread.answered == len(set(texts))  # each text once: then from the cache of stemmed texts


def test_an_unknown_text_or_another_stemmer_is_stemmed_as_before(tmp_path: Path) -> None:
    store = SentenceStems(tmp_path / "stems", fingerprint())
    store.write([TEXT])
    changed = TEXT.replace("boat", "ship")
    assert store.sentences(changed) is None
    assert best_snippet(TITLE, changed, query_stems("ship hulls"), (), store) == best_snippet(
        TITLE, changed, query_stems("ship hulls"))
    assert store.sentences(TEXT) == sentence_stems(TEXT)
    other = SentenceStems(tmp_path / "stems", fingerprint() + "-other")  # older rules or another tantivy
    assert len(other) == 0 and other.sentences(TEXT) is None


def test_the_fingerprint_follows_the_stemming_rules(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = fingerprint()
    monkeypatch.setattr(evidence, "STEMS_RULES", evidence.STEMS_RULES + 1)
    assert fingerprint() != before
