"""Korean in the local index: kiwipiepy morphemes at index and query time, English untouched."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from matcher.korean import content_terms, has_hangul, segment, term_spans
from matcher.search.local import LocalBackend, SplitLocalBackend, analyse, query_terms
from matcher.search.local.analysis import shingles
from matcher.types import SearchDocument

ROOT = Path(__file__).resolve().parents[2]


def doc(doc_id: str, title: str, text: str = "") -> SearchDocument:
    return SearchDocument(id=doc_id, kind="publication", title=title, text=text)


def test_hangul_detection() -> None:
    assert has_hangul("레이저 용접") and has_hangul("laser 용접") and has_hangul("ㄱ")
    assert not has_hangul("laser welding") and not has_hangul("") and not has_hangul(None)
    assert not has_hangul("Schweißen, 溶接")  # German and Japanese are not Korean


def test_particles_and_endings_are_dropped_stems_kept() -> None:
    assert content_terms("알루미늄 배터리 트레이의 레이저 용접 부위에 기공이 발생합니다.") == [
        "알루미늄", "배터리", "트레이", "레이저", "용접", "부위", "기공", "발생"]
    # verb and adjective stems, the commonest verbs ("하다", "있다") left out like stop words
    assert content_terms("깨지기 쉬운 유리를 자르는 방법이 있다") == ["깨지", "쉽", "유리", "자르", "방법"]


def test_term_spans_point_into_the_text() -> None:
    text = "알루미늄 트레이의 용접부에서 기공이"
    spans = term_spans(text)
    assert [t for _, _, t in spans] == content_terms(text)
    assert all(text[s:e] == t for s, e, t in spans)
    assert term_spans("laser welding") == []


def test_inflected_forms_analyse_to_the_same_terms() -> None:
    assert analyse("용접부에서") == analyse("용접부의") == analyse("용접부") != []
    assert set(query_terms("금형을 가공하는 장비")) == set(query_terms("금형 가공 장비"))


def test_mixed_text_keeps_the_english_analysis() -> None:
    english = "Laser welding of 6061-T6 aluminium trays"
    assert segment(english) is english  # no Hangul: not even copied
    mixed = f"{english}에서 기공이 생깁니다"
    assert analyse(mixed)[: len(analyse(english))] == analyse(english)
    assert analyse(mixed)[len(analyse(english)):] == ["기공", "생기"]
    assert query_terms("CNC 가공장비를 사용하는 laser welding") == ["cnc", "가공", "장비", "사용", "laser", "weld"]
    assert "레이저_용접" in shingles("레이저 용접을 한다")


def test_korean_documents_are_found_by_korean_queries(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    backend.upsert([
        doc("ko1", "알루미늄 레이저 용접", "배터리 트레이를 레이저로 용접할 때 생기는 기공을 줄이는 공정을 연구했습니다."),
        doc("ko2", "사출 금형", "플라스틱 사출 금형의 냉각 채널을 설계합니다."),
        doc("en1", "Laser welding porosity", "Porosity in laser-welded aluminium battery trays."),
        doc("mix", "CNC 가공 centre", "5축 CNC 가공 장비로 titanium 부품을 깎습니다."),
    ])
    assert [h.id for h in backend.search("용접 기공 문제")] == ["ko1"]
    assert [h.id for h in backend.search("금형이 필요합니다")] == ["ko2"]
    assert {h.id for h in backend.search("laser welding")} == {"en1"}
    assert [h.id for h in backend.search("titanium 가공")] == ["mix"]
    assert [h.id for h in backend.search("티타늄 부품")] == ["mix"]  # 부품 is written in Korean there


def test_split_backend_ranks_korean_profiles(tmp_path: Path) -> None:
    backend = SplitLocalBackend(tmp_path)
    backend.upsert([doc(f"d{i}", "사출 성형", f"사출 성형 공정 {i}") for i in range(12)]
                   + [doc("rare", "초음파 검사", "복합재의 초음파 비파괴 검사")])
    hits = backend.search("복합재 구조물의 초음파 비파괴 검사와 사출 성형")
    assert hits[0].id == "rare"


def test_english_text_never_loads_kiwi() -> None:
    """The cost rule: English-only text must not pay Kiwi's ~3 s, ~100 MB load."""
    script = textwrap.dedent(
        """
        import sys
        from matcher.search.local import analyse, query_terms
        from matcher.search.local.schema import to_tantivy_document
        from matcher.types import SearchDocument
        analyse("laser welding"); query_terms("porosity in the welds")
        to_tantivy_document(SearchDocument(id="a", kind="award", title="Welding", text="Porosity"))
        print("kiwipiepy" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "False"


@pytest.mark.slow
def test_kiwi_loads_its_model_without_the_network(tmp_path: Path) -> None:
    """The model comes from the kiwipiepy_model wheel: with sockets disabled and an empty HOME it still works."""
    script = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network disabled in this test")
        socket.socket = refuse
        socket.create_connection = refuse
        from matcher.korean import content_terms
        print(" ".join(content_terms("레이저 용접의 기공")))
        """
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.stdout.strip() == "레이저 용접 기공"
