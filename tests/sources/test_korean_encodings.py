"""Korean files as Korean offices save them: CP949 / EUC-KR detected per file, never chosen by the user,
and a broken byte sequence named by its line. Names are ROR's Korean aliases of Korean institutions
(../shared/data/institutions/ror_institutions.csv)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from indexers.sources import Parsed, RowError, parse
from indexers.sources.reading import detect_encoding

Write = Callable[..., Path]

# ROR aliases (Hangul) with their province, as in the shared institutions file.
INSTITUTIONS = [
    ("한국기후변화연구원", "강원도"), ("연세대학교 암병원", "서울특별시"), ("차 의료원", "경기도"),
    ("국립교통재활병원", "경기도"), ("영덕병원", "경상북도"), ("글로벌녹색성장연구소", "서울특별시"),
    ("서울 보라매 병원", "서울특별시"), ("강원도 삼척의료원", "강원도"), ("유네스코 물 안보 국제연구교육센터", "경기도"),
]
CSV = "name,region,description\n" + "".join(f"{n},{r},정밀 가공과 레이저 용접 연구\n" for n, r in INSTITUTIONS)


@pytest.mark.parametrize("encoding,expected", [("cp949", "cp949"), ("euc-kr", "cp949"), ("utf-8", "utf-8"),
                                               ("utf-8-sig", "utf-8-sig")])
def test_korean_csv_is_detected_and_read_without_mojibake(write: Write, encoding: str, expected: str) -> None:
    path = write(f"firms-{encoding}.csv", CSV, encoding=encoding)
    assert detect_encoding(path) == expected
    rows = list(parse("firms", path))
    assert all(isinstance(r, Parsed) for r in rows), rows
    assert [(r.record.name, r.record.region) for r in rows] == INSTITUTIONS
    assert rows[0].record.description == "정밀 가공과 레이저 용접 연구"


def test_a_single_short_korean_line_is_still_cp949_not_cp1252(write: Write) -> None:
    path = write("one.csv", "name\n차 의료원\n", encoding="cp949")
    assert detect_encoding(path) == "cp949"
    (row,) = parse("firms", path)
    assert isinstance(row, Parsed) and row.record.name == "차 의료원"


def test_western_cp1252_is_not_taken_for_korean(write: Write) -> None:
    path = write("w.csv", "name,city\nGrüße Präzision GmbH,Düsseldorf\nÉcole Supérieure,Besançon\n", encoding="cp1252")
    assert detect_encoding(path) == "cp1252"
    assert [r.record.name for r in parse("firms", path)] == ["Grüße Präzision GmbH", "École Supérieure"]


def test_a_broken_byte_sequence_names_its_line_and_the_rest_is_kept(write: Write) -> None:
    good = CSV.encode("cp949").splitlines(keepends=True)
    broken = "국립".encode("cp949") + b"\xc7,\xea\n"  # a lead byte with no valid trail byte
    path = write("broken.csv", b"".join(good[:3] + [broken] + good[3:]))
    rows = list(parse("firms", path))
    errors = [r for r in rows if isinstance(r, RowError)]
    assert [(e.line, e.field) for e in errors] == [(4, "encoding")]
    assert "not valid CP949" in errors[0].reason
    assert [r.record.name for r in rows if isinstance(r, Parsed)] == [n for n, _ in INSTITUTIONS]


def test_korean_jsonl_bibtex_and_ris_in_cp949(write: Write) -> None:
    jsonl = write("p.jsonl", '{"title": "알루미늄 배터리 트레이 용접 기공", "text": "레이저 용접"}\n', encoding="cp949")
    (row,) = parse("problems", jsonl)
    assert isinstance(row, Parsed) and row.record.title == "알루미늄 배터리 트레이 용접 기공"
    ris = write("r.ris", "TY  - JOUR\nAU  - 김, 민수\nTI  - 레이저 용접 연구\nER  - \n", encoding="euc-kr")
    (row,) = parse("publications", ris)
    assert isinstance(row, Parsed) and row.record.title == "레이저 용접 연구"
