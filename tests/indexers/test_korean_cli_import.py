"""`flask index load` with Korean files as Korean offices save them, end to end: CP949 equipment lands in the
store and the index as Hangul (no mojibake) and is found by a Korean search; a broken byte sequence is
reported as file:line: field: reason on stderr and in the import run, the good rows kept."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from matcher.models import Equipment, ImportRun
from matcher.services.matching import match

HEADER = "equipment_id,institution,facility,location,name,category,description,status\n"
ROWS = [
    "kr-1,한국생산기술연구원,뿌리산업기술센터,천안,파이버 레이저 용접기,레이저 용접,알루미늄 배터리 트레이 용접과 기공 분석,available\n",
    "kr-2,한국기계연구원,표면기술연구실,대전,열용사 코팅 장비,코팅,해양 구조물 부식 방지 코팅 시험,available\n",
    "kr-3,경북테크노파크,정밀가공센터,포항,5축 머시닝센터,절삭 가공,티타늄 항공 부품 정밀 절삭,available\n",
]


def test_a_cp949_equipment_csv_imports_as_hangul_and_is_found_in_korean(runner, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "장비-cp949.csv"
    path.write_bytes((HEADER + "".join(ROWS)).encode("cp949"))
    result = runner.invoke(args=["index", "load", "equipment", str(path)])
    assert result.exit_code == 0, result.output
    with runtime.db.session() as session:
        names = sorted(session.scalars(select(Equipment.name)))
    assert names == sorted(["파이버 레이저 용접기", "열용사 코팅 장비", "5축 머시닝센터"])
    found = match(runtime, "배터리 트레이 레이저 용접 기공", kinds=["equipment"])
    assert found.matches and found.matches[0].name == "파이버 레이저 용접기"


def test_a_broken_cp949_byte_sequence_names_its_line(runner, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = [(HEADER + row).encode("cp949").split(b"\n", 1)[1] for row in ROWS]
    broken = "kr-9,".encode("cp949") + "한국".encode("cp949") + b"\xc7,\xea,x,y,z,w,available\n"
    path = tmp_path / "broken.csv"
    path.write_bytes(HEADER.encode("cp949") + good[0] + broken + good[1] + good[2])
    result = runner.invoke(args=["index", "load", "equipment", str(path)])
    assert result.exit_code == 1  # rejects
    assert f"{path}:3: encoding:" in result.stderr, result.stderr
    with runtime.db.session() as session:
        assert len(session.scalars(select(Equipment)).all()) == 3
        run = session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
        assert run is not None and run.rejected == 1 and run.rejects[0].startswith(f"{path}:3: encoding:")
    assert "ï¿½" not in result.stderr and "\ufffd" not in result.stderr
