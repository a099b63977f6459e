"""The extractor's English data, read without spaCy, is what spaCy itself loads."""
from __future__ import annotations

import subprocess
import sys

from matcher.capabilities.english_data import lemma_table, stop_words, string_key


def test_the_lemma_table_is_spacys_lookup_table() -> None:
    from spacy.lookups import load_lookups
    from spacy.strings import get_string_id

    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    ours = lemma_table()
    assert len(ours) == len(table) > 40_000
    assert all(table.get(word) == lemma for word, lemma in ours.items())
    assert {get_string_id(word) for word in ours} == set(table.keys())
    assert ours["welded"] == "weld" and ours["analyses"] == "analysis"


def test_the_stop_words_are_spacys_english_defaults() -> None:
    import spacy

    assert stop_words() == frozenset(spacy.blank("en").Defaults.stop_words)
    assert {"the", "whereupon", "n't", "’ll"} <= stop_words()


def test_string_keys_are_stable_64_bit_and_distinct() -> None:
    assert string_key("weld") == string_key("weld") != string_key("welding")
    assert 0 <= string_key("weld") < 2 ** 64
    assert len({string_key(word) for word in lemma_table().values()}) == len(set(lemma_table().values()))


def test_building_the_extractor_does_not_import_spacy() -> None:
    code = ("import sys; from matcher.capabilities.extractor import get_extractor; "
            "assert get_extractor().extract('laser welding of aluminium'); print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
