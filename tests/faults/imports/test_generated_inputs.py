"""Large or pathological inputs, generated at test time (nothing big is committed): each ends as one
named reject with the good rows around it kept, never a crash, a flood of rejects or a merged row."""
from __future__ import annotations

import zipfile
from pathlib import Path

from indexers.ingest import load
from indexers.sources import Parsed, parse
from indexers.sources.decoding import MAX_RECORD_CHARS
from indexers.sources.xlsxfile import MAX_SHEET_XML_BYTES
from tests.faults.imports.stored import last_run, stored_names


def test_a_huge_multiline_field_is_one_reject_and_the_next_row_is_whole(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "huge_field.csv"
    lines = "porosity in the weld seam, line\n" * (MAX_RECORD_CHARS // 30 + 1000)  # ~2 MB over several lines
    path.write_text(f'topic_id,title,description\np1,Good one,Porosity\np2,Huge,"{lines}"\np3,Good two,Cracks\n',
                    encoding="utf-8")
    report = load(runtime, "problems", path, errors=None, reject_file=tmp_path / "r.txt")
    assert report.rejected == 1 and report.rejects[0].startswith(f"{path}:3: row: record longer than")
    assert stored_names(runtime, "problems") == ["Good one", "Good two"]
    assert len((tmp_path / "r.txt").read_text().splitlines()) == 1
    assert last_run(runtime).status == "rejects"


def test_an_endless_json_line_and_200k_nested_arrays(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "deep.jsonl"
    path.write_text('{"title": "Good one"}\n' + "[" * 200_000 + "\n" + '{"title": "' + "x" * (MAX_RECORD_CHARS + 10)
                    + '"}\n{"title": "Good two"}\n', encoding="utf-8")
    report = load(runtime, "publications", path, errors=None, reject_file=tmp_path / "r.txt")
    assert [r.split(": ")[0:2] for r in report.rejects] == [[f"{path}:2", "json"], [f"{path}:3", "json"]]
    assert stored_names(runtime, "publications") == ["Good one", "Good two"]


def test_a_workbook_with_too_much_sheet_xml_is_refused_before_reading(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>Scanning electron microscope</t></is></c></row>'
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = row * 10_000
            for _ in range(MAX_SHEET_XML_BYTES // len(block) + 1):
                sheet.write(block)
    assert path.stat().st_size < 2_000_000
    report = load(runtime, "equipment", path, errors=None, reject_file=tmp_path / "r.txt")
    assert report.status == "failed" and report.exit_code == 2
    assert report.rejects[0].startswith(f"{path}:1: file: its sheets hold")
    assert last_run(runtime).status == "failed"


def test_bibtex_with_2000_macros_parses_each_entry_with_its_own(tmp_path: Path) -> None:
    macros = "".join(f"@string{{m{i} = {{Journal {i}}}}}\n" for i in range(2000))
    entries = "".join(f"@article{{k{i},\n title = {{Paper {i}}},\n journal = m{i * 7 % 2000},\n year = 2020}}\n"
                      for i in range(100))
    path = tmp_path / "macros.bib"
    path.write_text(macros + entries, encoding="utf-8")
    rows = list(parse("publications", path))
    assert all(isinstance(r, Parsed) for r in rows) and len(rows) == 100
    assert rows[3].record.venue == "Journal 21"
