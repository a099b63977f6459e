"""Regions: Korea's 17 first-level divisions (시·도) beside the US state codes the shared data uses.

A region is stored as one canonical string so that a problem's region, an organisation's region, the
search filter and the control tower's by-region figures compare equal: a Korean division by its ISO
3166-2:KR code ("KR-11"), a US state by its two-letter code ("OH", as before). ``normalise_region``
turns what people and sources write ("서울", "서울시", "서울특별시", "Seoul", "Seoul-si", "KR-11") into
that code; anything it does not know is kept as written (trimmed), so no import loses a value.
``region_label`` gives the name to show, in Korean or English.
"""
from __future__ import annotations

import re
from typing import NamedTuple


class Region(NamedTuple):
    code: str  # ISO 3166-2
    ko: str  # official Korean name
    en: str  # English name
    aliases: tuple[str, ...]  # other spellings people and sources use (short forms, older names)


#: Names as of 2024 (Gangwon 2023 and Jeonbuk 2024 became special self-governing provinces; their older
#: names, which ROR and older records still use, are aliases).
KOREAN_REGIONS: tuple[Region, ...] = (
    Region("KR-11", "서울특별시", "Seoul", ("서울", "서울시", "Seoul Special City", "Seoul-si")),
    Region("KR-26", "부산광역시", "Busan", ("부산", "부산시", "Busan Metropolitan City", "Pusan")),
    Region("KR-27", "대구광역시", "Daegu", ("대구", "대구시", "Daegu Metropolitan City", "Taegu")),
    Region("KR-28", "인천광역시", "Incheon", ("인천", "인천시", "Incheon Metropolitan City", "Inchon")),
    Region("KR-29", "광주광역시", "Gwangju", ("광주", "광주시", "Gwangju Metropolitan City", "Kwangju")),
    Region("KR-30", "대전광역시", "Daejeon", ("대전", "대전시", "Daejeon Metropolitan City", "Taejon")),
    Region("KR-31", "울산광역시", "Ulsan", ("울산", "울산시", "Ulsan Metropolitan City")),
    Region("KR-50", "세종특별자치시", "Sejong", ("세종", "세종시", "Sejong-si", "Sejong City",
                                          "Sejong Special Self-Governing City")),
    Region("KR-41", "경기도", "Gyeonggi", ("경기", "Gyeonggi-do", "Gyeonggi Province", "Kyonggi")),
    Region("KR-42", "강원특별자치도", "Gangwon", ("강원", "강원도", "Gangwon-do", "Gangwon State",
                                          "Gangwon Special Self-Governing Province", "Kangwon")),
    Region("KR-43", "충청북도", "North Chungcheong", ("충북", "Chungcheongbuk-do", "Chungbuk")),
    Region("KR-44", "충청남도", "South Chungcheong", ("충남", "Chungcheongnam-do", "Chungnam")),
    Region("KR-45", "전북특별자치도", "Jeonbuk", ("전북", "전라북도", "Jeollabuk-do", "North Jeolla", "Jeonbuk State",
                                          "Jeonbuk Special Self-Governing Province")),
    Region("KR-46", "전라남도", "South Jeolla", ("전남", "Jeollanam-do", "Jeonnam")),
    Region("KR-47", "경상북도", "North Gyeongsang", ("경북", "Gyeongsangbuk-do", "Gyeongbuk")),
    Region("KR-48", "경상남도", "South Gyeongsang", ("경남", "Gyeongsangnam-do", "Gyeongnam")),
    Region("KR-49", "제주특별자치도", "Jeju", ("제주", "제주도", "Jeju-do", "Jeju Province",
                                          "Jeju Special Self-Governing Province")),
)
BY_CODE = {r.code: r for r in KOREAN_REGIONS}
#: Two-letter US state and territory codes (the shared SBIR and NSF data write these).
US_STATE_CODES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP".split()
)


def _key(name: str) -> str:
    """Case, spaces, dots and hyphens ignored: "Gyeonggi-do", "gyeonggi do" and "GYEONGGI-DO" meet."""
    return re.sub(r"[\s.\-_·]+", "", name).casefold()


_LOOKUP: dict[str, str] = {}
for _region in KOREAN_REGIONS:
    for _name in (_region.code, _region.ko, _region.en, *_region.aliases):
        _LOOKUP[_key(_name)] = _region.code
#: Administrative suffixes a writer may add to an English name ("Daejeon City", "Busan-si").
_SUFFIXES = ("metropolitancity", "province", "city", "si", "do")


def korean_region(value: str | None) -> str | None:
    """The ISO 3166-2:KR code of a Korean division written any common way, else None."""
    if not value:
        return None
    key = _key(value)
    if key in _LOOKUP:
        return _LOOKUP[key]
    if key.startswith("kr") and key[2:] in _LOOKUP:  # "KR11"
        return _LOOKUP[key[2:]]
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in _LOOKUP:
            return _LOOKUP[key[: -len(suffix)]]
    return None


def normalise_region(value: str | None) -> str | None:
    """The canonical stored form of a region: a KR-xx code, an upper-case US state code, else the trimmed text.

    Empty input gives None. Unknown regions are kept as written (at most 120 characters): a region
    outside both tables is still a region, only not a canonical one.
    """
    if value is None:
        return None
    text = " ".join(str(value).split())[:120]
    if not text:
        return None
    code = korean_region(text)
    if code:
        return code
    if text.upper() in US_STATE_CODES:
        return text.upper()
    return text


def region_label(value: str | None, language: str = "en") -> str | None:
    """The name to show for a stored region: Korean or English for a Korean division, else the value."""
    if not value:
        return value
    region = BY_CODE.get(value)
    if region is None:
        return value
    return region.ko if language.lower().startswith("ko") else region.en


def region_choices(language: str = "en") -> list[tuple[str, str]]:
    """(code, label) for every Korean division, for forms and filters."""
    return [(r.code, region_label(r.code, language) or r.code) for r in KOREAN_REGIONS]
