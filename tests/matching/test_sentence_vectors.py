"""Evidence sentences' vectors stored at index time (matcher.ranking.sentence_vectors) and read by the picker."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from matcher.ranking.grounding import evidence_sentences, semantic_picker
from matcher.ranking.sentence_vectors import (
    SentenceCache,
    SentenceVectors,
    evidence_key,
    fill,
    quantize,
    save_cache,
)

DIM = 8
TITLE = "Bakery and metal works"
TEXT = ("We bake bread and cakes for local cafes. Our ovens run on natural gas. "
        "The team also joins thin aluminium sheets by friction stir welding for boat hulls.")


class FakeEncoder:
    """Each sentence gets a fixed random unit vector; counts what it is asked to encode."""

    def __init__(self) -> None:
        self.encoded = 0

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += len(texts)
        rows = [np.random.default_rng(abs(hash(t)) % (1 << 32)).standard_normal(DIM) for t in texts]
        out = np.asarray(rows, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_quantized_vectors_keep_the_order_of_similarities() -> None:
    vectors = FakeEncoder().encode_queries([f"sentence {i}" for i in range(50)])
    rows, scales = quantize(vectors)
    assert rows.dtype == np.int8 and scales.dtype == np.float32
    restored = rows.astype(np.float32) * scales[:, None]
    assert np.abs(restored - vectors).max() <= scales.max() / 2 + 1e-7  # half a step at most


def test_a_rebuilt_store_answers_without_encoding_and_as_the_encoder_would(tmp_path: Path) -> None:
    encoder = FakeEncoder()
    sentences = evidence_sentences(TITLE, TEXT)
    store = SentenceVectors(tmp_path / "sentences", "model/int8", DIM)
    assert fill(store, SentenceCache(None, "model/int8"), [(evidence_key(TITLE, TEXT), sentences)],
                encoder.encode_queries, replace=True) == 1
    reread = SentenceVectors(tmp_path / "sentences", "model/int8", DIM)  # another worker
    assert len(reread) == 1
    counting = FakeEncoder()
    for target in sentences:
        qv = counting.encode_queries([target])[0]
        counting.encoded = 0
        pick = semantic_picker(counting, qv, reread)
        assert pick is not None and pick(TITLE, TEXT) == target
        assert counting.encoded == 0
    # a changed text is not explained by the old vectors: it is encoded, as before the store existed
    pick = semantic_picker(counting, counting.encode_queries([sentences[1]])[0], reread)
    counting.encoded = 0
    assert pick is not None and pick(TITLE, TEXT + " One more sentence here.") == sentences[1]
    assert counting.encoded == len(sentences) + 1


def test_vectors_of_another_model_are_not_read(tmp_path: Path) -> None:
    encoder = FakeEncoder()
    store = SentenceVectors(tmp_path / "s", "model/int8", DIM)
    fill(store, SentenceCache(None, "model/int8"), [(evidence_key(TITLE, TEXT), evidence_sentences(TITLE, TEXT))],
         encoder.encode_queries)
    assert len(SentenceVectors(tmp_path / "s", "model/fp32", DIM)) == 0


def test_a_shipped_cache_spares_the_encoding_and_replace_drops_the_rest(tmp_path: Path) -> None:
    encoder = FakeEncoder()
    key, sentences = evidence_key(TITLE, TEXT), evidence_sentences(TITLE, TEXT)
    first = SentenceVectors(tmp_path / "a", "m", DIM)
    fill(first, SentenceCache(None, "m"), [(key, sentences), ("other", ("one", "two"))], encoder.encode_queries)
    save_cache(tmp_path / "cache.npz", first)
    encoder.encoded = 0
    second = SentenceVectors(tmp_path / "b", "m", DIM)
    assert fill(second, SentenceCache(tmp_path / "cache.npz", "m"), [(key, sentences)], encoder.encode_queries,
                replace=True) == 0
    assert encoder.encoded == 0
    assert second.keys() == {key}
    entry, expected = second.get(key), first.get(key)
    assert entry is not None and expected is not None
    assert np.array_equal(entry[0], expected[0]) and np.array_equal(entry[1], expected[1])
    assert fill(second, SentenceCache(None, "m"), [], encoder.encode_queries, replace=True) == 0
    assert len(SentenceVectors(tmp_path / "b", "m", DIM)) == 0


@pytest.mark.parametrize("title, text, expected", [("Only a title", "", ("Only a title",)),
                                                   ("", "  ", ()),
                                                   ("T", "One. Two.", ("T", "One.", "Two."))])
def test_evidence_sentences_leave_out_blanks(title: str, text: str, expected: tuple[str, ...]) -> None:
    assert evidence_sentences(title, text) == expected


BOILERPLATE_TEXT = ("This award is funded under the American Recovery and Reinvestment Act of 2009 (Public Law 111-5). "
                    "2. The team joins thin aluminium sheets by friction stir welding for boat hulls.")


@pytest.mark.parametrize("stored", [False, True])
def test_boilerplate_and_fragments_are_passed_over_even_when_closest(tmp_path: Path, stored: bool) -> None:
    encoder = FakeEncoder()
    sentences = evidence_sentences(TITLE, BOILERPLATE_TEXT)
    assert sentences[1].startswith("This award is funded") and sentences[2] == "2."
    store = None
    if stored:
        store = SentenceVectors(tmp_path / "s", "m", DIM)
        fill(store, SentenceCache(None, "m"), [(evidence_key(TITLE, BOILERPLATE_TEXT), sentences)],
             encoder.encode_queries)
    for closest in sentences[1:3]:  # the problem's vector is the boilerplate's, then the fragment's
        pick = semantic_picker(encoder, encoder.encode_queries([closest])[0], store)
        assert pick is not None
        chosen = pick(TITLE, BOILERPLATE_TEXT)
        assert chosen in (TITLE, sentences[3])  # the next closest that says something
    pick = semantic_picker(encoder, encoder.encode_queries([sentences[1]])[0], store)
    assert pick is not None and pick("", sentences[1]) is None  # nothing else to show: the document explains nothing
