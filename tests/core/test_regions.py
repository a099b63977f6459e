"""Korean provinces and metropolitan cities as regions, beside US state codes."""
from __future__ import annotations

import pytest

from matcher.regions import KOREAN_REGIONS, normalise_region, region_choices, region_label


def test_seventeen_divisions_with_iso_codes_and_both_names() -> None:
    assert len(KOREAN_REGIONS) == 17
    assert len({r.code for r in KOREAN_REGIONS}) == 17
    assert all(r.code.startswith("KR-") and r.ko and r.en for r in KOREAN_REGIONS)
    assert region_choices("ko")[0] == ("KR-11", "서울특별시")


@pytest.mark.parametrize("written", ["서울", "서울시", "서울특별시", "Seoul", "seoul", " SEOUL ", "Seoul-si",
                                     "Seoul Special City", "KR-11", "kr11"])
def test_seoul_written_any_common_way(written: str) -> None:
    assert normalise_region(written) == "KR-11"


@pytest.mark.parametrize("written, code", [
    ("경기", "KR-41"), ("경기도", "KR-41"), ("Gyeonggi-do", "KR-41"), ("Gyeonggi Province", "KR-41"),
    ("North Chungcheong", "KR-43"), ("충북", "KR-43"), ("Chungcheongnam-do", "KR-44"),
    ("전라북도", "KR-45"), ("Jeollabuk-do", "KR-45"), ("전북특별자치도", "KR-45"),
    ("Sejong-si", "KR-50"), ("세종시", "KR-50"), ("Jeju-do", "KR-49"), ("제주", "KR-49"),
    ("Daejeon", "KR-30"), ("대전광역시", "KR-30"), ("Daejeon City", "KR-30"), ("Busan Metropolitan City", "KR-26"),
    ("강원도", "KR-42"), ("Gangwon-do", "KR-42"), ("울산", "KR-31"), ("인천광역시", "KR-28"),
])
def test_provinces_in_korean_english_and_ror_spelling(written: str, code: str) -> None:
    assert normalise_region(written) == code


def test_us_codes_and_unknown_regions_are_kept() -> None:
    assert normalise_region("oh") == "OH" and normalise_region("CA") == "CA"
    assert normalise_region("  Fife,  Scotland ") == "Fife, Scotland"  # unknown: kept as written, spaces tidied
    assert normalise_region("") is None and normalise_region(None) is None and normalise_region("   ") is None
    assert normalise_region("x" * 300) == "x" * 120


def test_labels_in_both_languages() -> None:
    assert region_label("KR-26", "ko") == "부산광역시" and region_label("KR-26", "en") == "Busan"
    assert region_label("KR-26", "ko-KR") == "부산광역시"
    assert region_label("OH", "ko") == "OH" and region_label(None) is None
