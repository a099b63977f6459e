"""Formats without real shared files (BibTeX, RIS, NSF XML, XLSX, flat CSV/JSONL), bad rows, detection."""
from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from indexers.sources import AwardRecord, Parsed, PublicationRecord, RowError, Skipped, detect_format, parse
from indexers.sources.openalex import abstract_from_inverted_index

FIXTURES = Path(__file__).parent / "fixtures"

Write = Callable[..., Path]


def _errors(rows: list[object]) -> list[str]:
    return [str(r) for r in rows if isinstance(r, RowError)]


def test_nsf_xml_fixture() -> None:
    path = FIXTURES / "nsf_awards_sample.xml"
    rows = list(parse("awards", path))
    assert _errors(rows) == [
        f"{path}:67: amount: unparsable amount 'not disclosed'",
        f"{path}:81: title: missing required value",
    ]
    good = [r for r in rows if isinstance(r, Parsed)]
    assert [r.line for r in good] == [3, 86]
    award = good[0].record
    assert isinstance(award, AwardRecord)
    assert award.key == award.award_id == "1727000"
    assert award.abstract == ("This award supports research on in-situ melt pool monitoring in laser powder bed "
                              "fusion. The project will relate thermal signatures to porosity in Ti-6Al-4V parts.")
    assert [(p.name, p.role) for p in award.investigators] == [
        ("John O'Connor", "Principal Investigator"), ("María Núñez-García", "Co-Principal Investigator")]
    assert award.investigators[0].email == "j.oconnor@example.edu"
    assert (award.institution, award.city, award.region, award.country) == (
        "Example State University", "Columbus", "OH", "United States")
    assert (award.start_year, award.end_date, award.amount, award.division, award.funder) == (
        2017, date(2020, 6, 30), 349982.0, "CMMI", "NSF")
    assert award.programs == ("Manufacturing Machines & Equipment",)
    later = good[1].record
    assert isinstance(later, AwardRecord)
    assert [p.name for p in later.investigators] == ["Anna Schmidt", "Wei Zhang"]  # the former PI goes last


def test_nsf_xml_malformed_reports_line(write: Write) -> None:
    path = write("broken.xml", "<rootTag>\n<Award><AwardTitle>A</AwardTitle><AwardID>1</AwardID></Award>\n"
                               "<Award><AwardTitle>B</Award>\n</rootTag>\n")
    rows = list(parse("awards", path))
    assert isinstance(rows[0], Parsed) and rows[0].line == 2
    assert str(rows[1]) == f"{path}:3: xml: malformed XML in the award starting at line 3: mismatched tag at line 3"


BIB = r"""@string{amm = "Applied Mechanics and Materials"}

@article{mueller2019,
  author = {M{\"u}ller, Hans-Peter and Smith, J. R.},
  title = {Laser Powder Bed Fusion of {Ti-6Al-4V}},
  journal = amm,
  year = {2019},
  doi = {https://doi.org/10.1000/ABC.123},
  keywords = {additive manufacturing, titanium},
  abstract = {We study porosity.}
}

@inproceedings{broken2020,
  author = {Doe, Jane},
  year = {20x0},
  title = {Bad year}
}

@book{notitle,
  author = {Roe, Richard},
  year = {2001}
}
"""


def test_bibtex(write: Write) -> None:
    path = write("refs.bib", BIB)
    rows = list(parse("publications", path))
    assert _errors(rows) == [f"{path}:13: year: unparsable year '20x0'", f"{path}:19: title: missing required value"]
    (good,) = [r for r in rows if isinstance(r, Parsed)]
    pub = good.record
    assert isinstance(pub, PublicationRecord)
    assert good.line == 3
    assert (pub.key, pub.doi, pub.year, pub.venue) == ("doi:10.1000/abc.123", "10.1000/abc.123", 2019,
                                                      "Applied Mechanics and Materials")
    assert pub.title == "Laser Powder Bed Fusion of Ti-6Al-4V"
    assert [a.name for a in pub.authors] == ["Hans-Peter Müller", "J. R. Smith"]
    assert pub.keywords == ("additive manufacturing", "titanium")


RIS = """TY  - JOUR
AU  - Müller, Hans
AU  - Dupont, Anne
TI  - Friction stir welding of aluminium
JO  - Journal of Manufacturing Processes
PY  - 2018///
DO  - 10.1016/j.jmapro.2018.01.001
KW  - welding
KW  - aluminium
AB  - A study.
ER  - 

TY  - JOUR
AU  - Nobody, N.
PY  - 2018
ER  - 
TY  - CHAP
TI  - Untitled without DOI
PY  - 2015
ER  - 
"""


def test_ris(write: Write) -> None:
    path = write("refs.ris", RIS)
    rows = list(parse("publications", path))
    assert _errors(rows) == [f"{path}:13: title: missing required value"]
    first, second = [r for r in rows if isinstance(r, Parsed)]
    pub = first.record
    assert isinstance(pub, PublicationRecord)
    assert (first.line, pub.year, pub.venue, pub.doi) == (1, 2018, "Journal of Manufacturing Processes",
                                                          "10.1016/j.jmapro.2018.01.001")
    assert [a.name for a in pub.authors] == ["Hans Müller", "Anne Dupont"]
    assert pub.keywords == ("welding", "aluminium")
    assert second.line == 17 and second.record.key.startswith("pub:sha1:")


def test_xlsx_equipment_from_real_rows(data: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    with open(data / "equipment/equipment.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if r[0] in {"standrews-0001", "pnnl-dms-4", "pnnl-dms-22", "pnnl-dms-36"}]
    assert len(rows) == 4
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    sheet.append([None] * len(header))  # blank row: ignored
    sheet.append(["x-1"] + [""] * (len(header) - 1) + ["extra"])  # one cell too many
    sheet.append(["x-2", "Somewhere"])  # short row, no name
    path = tmp_path / "equipment.xlsx"
    book.save(path)
    out = list(parse("equipment", path))
    assert [str(r) for r in out if not isinstance(r, Parsed)] == [
        f"{path}:2: skipped: not equipment (placeholder or furniture): 'UNKNOWN'",
        f"{path}:7: row: expected {len(header)} columns, got {len(header) + 1}",
        f"{path}:8: name: missing required value",
    ]
    good = [r.record for r in out if isinstance(r, Parsed)]
    assert [g.key for g in good] == ["pnnl-dms-4", "pnnl-dms-22", "pnnl-dms-36"]
    assert good[0].name == "11T_FTICR" and good[0].description == "11.5 T FTICR"
    assert isinstance(next(iter(out)), Skipped)


def test_bad_rows_in_csv_and_jsonl_continue(write: Write) -> None:
    csv_path = write("awards.csv", "award_id,title,start_year,amount,pi_names\n"
                                   "1,Good one,2010,\"$1,000\",Ada Lovelace;Charles Babbage\n"
                                   "2,,2010,5,X\n"
                                   "3,Bad year,20x1,5,X\n"
                                   "4,Too many,2010,5,X,extra\n"
                                   "5,\"Multi\nline\",2011,abc,Y\n"
                                   "6,Last good,2012,7,Z\n")
    rows = list(parse("awards", csv_path))
    assert _errors(rows) == [
        f"{csv_path}:3: title: missing required value",
        f"{csv_path}:4: start_year: unparsable year '20x1'",
        f"{csv_path}:5: row: expected 5 columns, got 6",
        f"{csv_path}:6: amount: unparsable amount 'abc'",
    ]
    good = [r for r in rows if isinstance(r, Parsed)]
    assert [(r.line, r.record.key) for r in good] == [(2, "1"), (8, "6")]
    assert good[0].record.amount == 1000.0
    assert [p.name for p in good[0].record.investigators] == ["Ada Lovelace", "Charles Babbage"]

    jsonl_path = write("problems.jsonl", '{"title": "A", "description": "text a"}\n'
                                         '{"title": "B", "description": \n'
                                         '\n'
                                         '[1, 2]\n'
                                         '{"title": "C", "description": "c", "close_date": "someday"}\n'
                                         '{"title": "D", "text": "d", "visibility": "secret"}\n'
                                         '{"title": "E", "text": "e", "visibility": "members"}\n')
    rows = list(parse("problems", jsonl_path))
    assert _errors(rows) == [
        f"{jsonl_path}:2: json: malformed JSON: Expecting value at column 31",
        f"{jsonl_path}:4: json: expected an object, got list",
        f"{jsonl_path}:5: close_date: unparsable date 'someday'",
        f"{jsonl_path}:6: visibility: unknown visibility 'secret' (expected one of ['members', 'private', 'public'])",
    ]
    assert [(r.line, r.record.visibility) for r in rows if isinstance(r, Parsed)] == [(1, "public"), (7, "members")]


def test_flat_publications_csv_and_jsonl(write: Write) -> None:
    path = write("pubs.csv", "title,authors,year,doi,keywords,venue\n"
                             "Cold spray repair,\"Smith, John; Doe, Jane\",2020,10.5555/X1,spray;repair,JMP\n")
    (row,) = parse("publications", path)
    assert isinstance(row, Parsed)
    assert row.record.key == "doi:10.5555/x1"
    assert [a.name for a in row.record.authors] == ["John Smith", "Jane Doe"]
    assert row.record.keywords == ("spray", "repair")
    jpath = write("pubs.jsonl", '{"title": "T", "authors": [{"name": "Li, Wei", "orcid": '
                                '"https://orcid.org/0000-0001-0000-0001", "ror": "https://ror.org/03v4gjf40"}]}\n')
    (jrow,) = parse("publications", jpath)
    assert isinstance(jrow, Parsed)
    (author,) = jrow.record.authors
    assert (author.name, author.orcid, author.ror_id) == ("Wei Li", "0000-0001-0000-0001", "03v4gjf40")


def test_format_detection_and_errors(write: Write, tmp_path: Path) -> None:
    assert [detect_format(Path(n)) for n in ("a.CSV", "b.jsonl", "c.bib", "d.ris", "e.xml", "f.xlsx", "g.json")] == [
        "csv", "jsonl", "bibtex", "ris", "xml", "xlsx", "json"]
    odd = write("firms.txt", "name\nAcme\n")
    with pytest.raises(ValueError, match=r"firms\.txt: cannot tell the format"):
        parse("firms", odd)
    (row,) = parse("firms", odd, fmt="csv")
    assert isinstance(row, Parsed) and row.record.name == "Acme"
    with pytest.raises(ValueError, match=r"firms\.txt: unknown input kind 'widgets'"):
        parse("widgets", odd)
    with pytest.raises(ValueError, match=r"refs\.bib: format 'bibtex' is not supported for firms"):
        parse("firms", write("refs.bib", BIB))
    with pytest.raises(ValueError, match=r"missing\.csv: no such file"):
        parse("firms", tmp_path / "missing.csv")


def test_inverted_index_rebuilds_word_order() -> None:
    assert abstract_from_inverted_index({"b": [1], "a": [0, 2]}) == "a b a"
    assert abstract_from_inverted_index(None) is None


def test_parsers_are_lazy(write: Write) -> None:
    path = write("big.jsonl", "".join(f'{{"name": "Firm {i}"}}\n' for i in range(1000)) + "not json\n")
    rows = parse("firms", path)
    assert isinstance(next(iter(rows)), Parsed)  # nothing read past the first line is needed
