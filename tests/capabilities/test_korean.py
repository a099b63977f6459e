"""Korean problem texts yield the same capability ids as English ones (capability ids as interlingua)."""
from __future__ import annotations

from pathlib import Path

import pytest

from matcher.capabilities.extractor import CURATED_SCHEME, get_extractor
from matcher.capabilities.korean import CURATED_KO_PATH, KSIC_PATH, read_taxonomy_labels, read_curated_ko, read_ksic
from matcher.capabilities.taxonomy import get_taxonomy


def ids(text: str) -> set[str]:
    return {m.capability_id for m in get_extractor().extract(text) if not m.capability_id.startswith("kp:")}


def test_every_curated_capability_has_a_korean_label() -> None:
    curated = {c.id for c in get_taxonomy() if c.scheme == CURATED_SCHEME}
    korean = {c.capability_id: c for c in read_curated_ko()}
    assert curated == set(korean)
    assert all(c.label_ko and c.phrases for c in korean.values())


def test_korean_and_english_problem_give_the_same_ids() -> None:
    english = ids("Porosity in laser welded aluminium battery trays")
    korean = ids("알루미늄 배터리 트레이의 레이저 용접 부위에 기공이 발생합니다")
    assert english == korean == {"core:porosity", "core:laser-welding", "core:aluminium-alloys", "core:energy-storage"}


@pytest.mark.parametrize("text, expected", [
    ("사출금형을 설계할 때 냉각 채널이 문제입니다", {"core:injection-moulding", "core:thermal-management"}),
    ("복합재 부품의 초음파 비파괴 검사", {"core:composites", "core:ndt"}),
    ("딥러닝 기반 머신비전으로 불량을 찾고 싶습니다", {"core:machine-learning", "core:machine-vision", "core:porosity"}),
])
def test_particles_and_spacing_do_not_matter(text: str, expected: set[str]) -> None:
    assert expected <= ids(text)


@pytest.mark.parametrize("korean, english", [
    ("프레스 금형이 마모되어 버가 생깁니다", "The stamping dies wear and leave burrs"),
    ("금형 냉각 시간을 줄이고 싶습니다", "We want to shorten the mould cooling time"),
])
def test_a_mould_or_die_alone_is_not_injection_moulding(korean: str, english: str) -> None:
    # 금형 is any mould or die (press dies, die casting, forging): as in English, only 사출 (injection) says
    # which process it is. A press die is metal forming, as "stamping" is in English.
    assert "core:injection-moulding" not in ids(korean) | ids(english)
    assert ("core:forming" in ids(korean)) == ("core:forming" in ids(english))


def test_ksic_industries_are_vocabulary_with_english_labels() -> None:
    mentions = [m for m in get_extractor().extract("저희는 금속 절삭기계 제조업체입니다") if m.capability_id.startswith("ksic11:")]
    assert [(m.capability_id, m.label) for m in mentions] == [("ksic11:29223", "Manufacture of metal cutting machinery")]
    text = "저희는 금속 절삭기계 제조업체입니다"
    assert text[mentions[0].start:mentions[0].end] == "금속 절삭기계"
    assert get_extractor().korean_label("ksic11:29223") == "금속 절삭기계 제조업"
    assert get_extractor().korean_label("core:laser-welding") == "레이저 용접"


def test_a_ksic_name_whose_first_syllable_kiwi_drops_is_not_matched_as_another_industry() -> None:
    """석제품 (stone products) is read 석 + 제품: it named every "제품" (product) a stone-cutting industry;
    비철금속 (non-ferrous) is read 비- + 철금속."""
    assert not {i for i in ids("제품 무게를 줄이고 싶어요") if i.startswith("ksic11:")}
    assert "ksic11:2391" not in ids("석제품 가공") and "ksic11:2432" not in ids("철금속 주조")
    assert "ksic11:29223" in ids("금속 절삭기계 제조")  # a name Kiwi reads whole still matches


def test_mixed_text_keeps_english_matches_and_drops_hangul_keyphrases() -> None:
    found = get_extractor().extract("CNC machining 중 발생하는 잔류 응력 문제")
    assert {"core:machining", "core:residual-stress"} <= {m.capability_id for m in found}
    assert not [m for m in found if m.capability_id.startswith("kp:") and any("\uac00" <= ch <= "\ud7a3" for ch in m.label)]


def test_bundled_ksic_is_the_manufacturing_section() -> None:
    rows = read_ksic()
    assert len(rows) == 662 and all(i.startswith("ksic11:") and ko and en for i, ko, en in rows)
    assert KSIC_PATH.parent == CURATED_KO_PATH.parent


def test_a_malformed_label_file_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "ko.tsv"
    bad.write_text("# header\ncore:welding\t용접\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ko.tsv:2: expected id<TAB>label<TAB>phrases"):
        read_curated_ko(bad)


def test_every_taxonomy_node_has_a_korean_name() -> None:
    """Pages name capabilities in the reader's language: curated ones by their Korean label, every other
    node (the control tower's top-level areas included) by taxonomy_labels_ko.tsv."""
    curated = {c.capability_id for c in read_curated_ko()}
    names = read_taxonomy_labels()
    assert {c.id for c in get_taxonomy()} - curated <= set(names)
    assert all(names.values())
    assert get_extractor().korean_label("openalex:fields/22") == "공학"
