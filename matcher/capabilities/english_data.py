"""spaCy's English lemma table and stop words, and string keys, read without importing spaCy.

The extractor uses nothing of spaCy but data: the lookup lemma table of spacy-lookups-data, the English
stop word list and a 64-bit key per lemma string. Importing spaCy and building a blank English pipeline
for them cost ~0.8 s of CPU in every process that extracts (each import worker, each web worker); read
here directly, the same data costs ~0.1 s. `tests/capabilities/test_english_data.py` checks both against
what spaCy itself loads.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
from pathlib import Path


def lemma_table() -> dict[str, str]:
    """word -> lemma: the `lemma_lookup` table of spacy-lookups-data for English, as spaCy loads it."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.en["lemma_lookup"])
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    with gzip.open(path.with_name(path.name + ".gz"), "rt", encoding="utf-8") as fh:
        return json.load(fh)


def stop_words() -> frozenset[str]:
    """spaCy's English stop words (`spacy.lang.en.stop_words.STOP_WORDS`), from that file alone: the
    module is plain data, and importing it by name would import all of spaCy first."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("spaCy's English stop word list needs the spacy package installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "lang" / "en" / "stop_words.py"
    module_spec = importlib.util.spec_from_file_location("_innobridge_spacy_en_stop_words", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


def string_key(text: str) -> int:
    """A 64-bit key of a string (the role spaCy's StringStore hash played): the extractor compares
    these keys for equality and mixes them into phrase keys, so any well-spread 64-bit hash serves."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")
