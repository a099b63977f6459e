"""Encodings (UTF-8, UTF-8 with BOM, CP-1252), stable keys, and person-name normalisation."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from indexers.sources import Parsed, normalise_person_name, parse
from indexers.sources.names import name_match_key
from indexers.sources.reading import detect_encoding

Write = Callable[..., Path]

CSV = "name,city,description\nMüller GmbH,Köln,Société – naïve “quotes”\n"


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")])
def test_csv_encodings(write: Write, encoding: str, expected: str) -> None:
    path = write(f"firms-{encoding}.csv", CSV, encoding=encoding)
    assert detect_encoding(path) == expected
    (row,) = parse("firms", path)
    assert isinstance(row, Parsed)
    assert (row.record.name, row.record.city, row.record.description) == (
        "Müller GmbH", "Köln", "Société – naïve “quotes”")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_jsonl_ris_bibtex_encodings(write: Write, encoding: str) -> None:
    jsonl = write("p.jsonl", '{"title": "Société – naïve", "text": "Müller"}\n', encoding=encoding)
    (row,) = parse("problems", jsonl)
    assert isinstance(row, Parsed) and (row.record.title, row.record.text) == ("Société – naïve", "Müller")
    ris = write("r.ris", "TY  - JOUR\nAU  - Müller, Jürgen\nTI  - Société – naïve\nER  - \n", encoding=encoding)
    (row,) = parse("publications", ris)
    assert isinstance(row, Parsed) and row.record.title == "Société – naïve"
    assert row.record.authors[0].name == "Jürgen Müller"
    bib = write("b.bib", "@article{k,\n title = {Société – naïve},\n author = {Müller, Jürgen},\n year = 2001}\n",
                encoding=encoding)
    (row,) = parse("publications", bib)
    assert isinstance(row, Parsed) and row.record.title == "Société – naïve"
    assert row.record.authors[0].name == "Jürgen Müller"


def test_keys_are_stable_and_content_based(write: Write) -> None:
    a = write("a.csv", "name,city,state\nAcme  Tools,Dayton,OH\nBeta,Akron,OH\n")
    b = write("b.csv", "state;name;city\nOH;acme tools;Dayton\n", encoding="cp1252")
    keys_a = [r.record.key for r in parse("firms", a) if isinstance(r, Parsed)]
    assert keys_a == [r.record.key for r in parse("firms", a) if isinstance(r, Parsed)]
    (b_row,) = parse("firms", b)
    assert isinstance(b_row, Parsed)
    assert b_row.record.key == keys_a[0]  # case, spacing, column order and encoding do not matter
    assert keys_a[0] != keys_a[1] and keys_a[0].startswith("firm:sha1:")


def test_source_ids_win_over_hashes(write: Write) -> None:
    path = write("e.csv", "equipment_id,name\nX-9,Confocal Microscope\n,Confocal Microscope\n")
    keys = [r.record.key for r in parse("equipment", path) if isinstance(r, Parsed)]
    assert keys[0] == "X-9" and keys[1].startswith("equipment:sha1:")


@pytest.mark.parametrize("raw,expected", [
    ("Müller, Hans-Peter", "hans peter muller"),
    ("Hans-Peter Müller", "hans peter muller"),
    ("J. R. R. Tolkien", "j r r tolkien"),
    ("Tolkien, J.R.R.", "j r r tolkien"),
    ("JUDITH BUTLER", "judith butler"),
    ("Smith, John, Jr.", "john smith"),
    ("Ørsted, Hans Christian", "hans christian orsted"),
    ("Łukasz  Nowak", "lukasz nowak"),
    ("O'Connor, Seán", "sean oconnor"),
    ("", ""),
])
def test_normalise_person_name(raw: str, expected: str) -> None:
    assert normalise_person_name(raw) == expected


def test_name_match_key() -> None:
    assert name_match_key("Müller, H.") == name_match_key("Hans Müller") == "muller h"
    assert name_match_key("Cher") == "cher"
