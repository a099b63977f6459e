"""Research awards (grants): CSV, JSON Lines, and NSF award XML as downloaded from nsf.gov.

An award abstract is evidence of its investigators' expertise, so investigators keep their
order (lead first) and their institution for later author resolution.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from xml.parsers import expat

from indexers.sources.names import display_name
from indexers.sources.reading import (Row, amount, content_key, convert_one, csv_rows, day, jsonl_rows, listing,
                                      required, text, year)
from indexers.sources.records import AwardRecord, ParsedRow, Person, RowError


def _investigators(row: Row, institution: str | None) -> tuple[Person, ...]:
    value = row.get("investigators")
    if isinstance(value, list) and value and isinstance(value[0], dict):
        people = [
            Person(
                name=display_name(text(p, "name", "full_name") or f"{p.get('first_name', '')} {p.get('last_name', '')}"),
                orcid=text(p, "orcid"),
                email=text(p, "email"),
                institution=text(p, "institution") or institution,
                role=text(p, "role"),
            )
            for p in value
        ]
        return tuple(p for p in people if p.name)
    names = list(listing(row, "pi_names", "investigators", "pis"))
    lead = text(row, "lead_pi", "pi", "principal_investigator")
    if lead and lead in names:
        names.remove(lead)
    ordered = ([lead] if lead else []) + names
    return tuple(
        Person(name=display_name(n), institution=institution,
               role="Principal Investigator" if i == 0 and lead else "Co-Principal Investigator" if lead else None)
        for i, n in enumerate(ordered)
    )


def award_from_row(row: Row) -> AwardRecord:
    """Map a flat award row (the shape of nsf_awards_engineering.jsonl)."""
    title = required(row, "title", "award_title")
    institution = text(row, "institution", "organisation", "organization")
    start_date = day(row, "start_date", "award_effective_date")
    start_year = year(row, "start_year") or (start_date.year if start_date else None)
    award_id = text(row, "award_id", "id", "grant_id")
    return AwardRecord(
        key=award_id or content_key("award", title, institution, start_year),
        award_id=award_id or "",
        title=title,
        abstract=text(row, "abstract", "abstract_narration"),
        investigators=_investigators(row, institution),
        institution=institution,
        city=text(row, "city"),
        region=text(row, "state", "region", "state_code"),
        country=text(row, "country"),
        start_year=start_year,
        start_date=start_date,
        end_date=day(row, "end_date", "award_expiration_date"),
        amount=amount(row, "amount_usd", "amount", "award_amount"),
        funder=text(row, "funder", "agency") or ("NSF" if "division_abbr" in row else None),
        division=text(row, "division_abbr", "division"),
        programs=listing(row, "programs", "program"),
    )


def parse_csv(path: Path) -> Iterator[ParsedRow]:
    """Awards from CSV (pi_names and programs separated by ';')."""
    return csv_rows(path, award_from_row)


def parse_jsonl(path: Path) -> Iterator[ParsedRow]:
    """Awards from JSON Lines."""
    return jsonl_rows(path, award_from_row)


# --- NSF award XML -------------------------------------------------------------------------

_TAGS = re.compile(r"<br\s*/?>|<[^>]{1,40}>", re.IGNORECASE)
_ROLE_ORDER = {"principal investigator": 0, "co-principal investigator": 1}


def _clean(value: str | None) -> str | None:
    """NSF abstracts carry escaped HTML (&lt;br/&gt;); unescape it and drop the tags."""
    if value is None:
        return None
    cleaned = " ".join(_TAGS.sub(" ", html.unescape(value)).split())
    return cleaned or None


def _find(element: ET.Element, path: str) -> str | None:
    return _clean(element.findtext(path))


def _xml_investigators(award: ET.Element, institution: str | None) -> tuple[Person, ...]:
    people: list[tuple[int, int, Person]] = []
    for position, inv in enumerate(award.findall("Investigator")):
        full = _find(inv, "PI_FULL_NAME")
        name = " ".join(filter(None, (_find(inv, "FirstName"), _find(inv, "PI_MID_INIT"), _find(inv, "LastName"))))
        name = name or full or ""
        if not name:
            continue
        role = _find(inv, "RoleCode") or ""
        former = bool(_find(inv, "EndDate")) or role.lower().startswith("former")
        rank = _ROLE_ORDER.get(role.lower(), 2) + (3 if former else 0)
        person = Person(name=name, email=_find(inv, "EmailAddress"), institution=institution, role=role or None)
        people.append((rank, position, person))
    return tuple(p for _, _, p in sorted(people, key=lambda t: (t[0], t[1])))


def _award_mapping(award: ET.Element) -> dict[str, object]:
    """Flatten one <Award> into the row shape award_from_row understands."""
    inst = award.find("Institution")
    institution = _find(inst, "Name") if inst is not None else None
    org = award.find("Organization")
    row: dict[str, object] = {
        "award_id": _find(award, "AwardID"),
        "title": _find(award, "AwardTitle"),
        "abstract": _find(award, "AbstractNarration"),
        "institution": institution,
        "city": _find(inst, "CityName") if inst is not None else None,
        "state": _find(inst, "StateCode") if inst is not None else None,
        "country": _find(inst, "CountryName") if inst is not None else None,
        "start_date": _find(award, "AwardEffectiveDate"),
        "end_date": _find(award, "AwardExpirationDate"),
        "amount": _find(award, "AwardAmount") or _find(award, "AwardTotalIntnAmount"),
        "funder": "NSF",
        "division": (_find(org, "Division/Abbreviation") or _find(org, "Division/LongName")) if org is not None else None,
        "programs": [t for t in (_clean(e.findtext("Text")) for e in award.findall("ProgramElement")) if t],
        "investigators_xml": _xml_investigators(award, institution),
    }
    return row


def _award_from_xml_row(row: Row) -> AwardRecord:
    return replace(award_from_row(row), investigators=row["investigators_xml"])


class _AwardCollector:
    """Builds <Award> elements from expat events, remembering the line each award starts on."""

    def __init__(self, line_offset: int = 0) -> None:
        self.builder = ET.TreeBuilder()
        self.depth_in_award = 0
        self.start_line = 0
        self.line_offset = line_offset
        self.done: list[tuple[int, ET.Element]] = []
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data

    def line(self) -> int:
        return self.parser.CurrentLineNumber + self.line_offset

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "Award" and self.depth_in_award == 0:
            self.builder = ET.TreeBuilder()
            self.start_line = self.line()
        if tag == "Award" or self.depth_in_award:
            self.depth_in_award += 1
            self.builder.start(tag, attrs)

    def end(self, tag: str) -> None:
        if self.depth_in_award:
            element = self.builder.end(tag)
            self.depth_in_award -= 1
            if self.depth_in_award == 0:
                self.done.append((self.start_line, element))

    def data(self, chunk: str) -> None:
        if self.depth_in_award:
            self.builder.data(chunk)


_DECLARED = re.compile(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_AWARD_START = re.compile(rb"<Award[\s>]")


def parse_nsf_xml(path: Path, chunk_size: int = 1 << 16) -> Iterator[ParsedRow]:
    """Stream <Award> elements from an NSF award file (one or many awards per file).

    expat cannot go on after an error, so a malformed award is reported and parsing restarts at the
    next <Award> with a fresh parser (inside a stand-in root): the awards after a bad one are kept."""
    file = str(path)
    with open(path, "rb") as fh:
        declared = _DECLARED.match(fh.read(200))
        prologue = b'<?xml version="1.0" encoding="' + (declared.group(1) if declared else b"UTF-8") + b'"?><resume>'
        offset, resumed = 0, False
        while offset is not None:
            fh.seek(offset)
            collector = _AwardCollector(_lines_before(path, offset) - 1 if resumed else 0)
            if resumed:
                collector.parser.Parse(prologue, False)
            offset = yield from _parse_from(file, fh, collector, chunk_size, len(prologue) if resumed else 0)
            resumed = True


def _parse_from(file: str, fh, collector: _AwardCollector, chunk_size: int,  # type: ignore[no-untyped-def]
                skew: int) -> Iterator[ParsedRow]:
    """Feed the file from its position (`skew`: bytes of stand-in prologue fed first); returns the
    offset of the next award after an error, or None at the end."""
    start = fh.tell()
    while True:
        chunk = fh.read(chunk_size)
        try:
            collector.parser.Parse(chunk, not chunk)
        except expat.ExpatError as exc:
            yield from _drain(file, collector)
            in_award = collector.depth_in_award > 0
            error_at = start + max(collector.parser.CurrentByteIndex - skew, 0)
            following = _next_award(fh, max(error_at, start + 1))
            if in_award or following is not None or not skew:  # a resumed parser ends on the real root's end tag
                where = f"in the award starting at line {collector.start_line}: " if in_award else ""
                line = collector.start_line if in_award else collector.line()
                yield RowError(file, line, "xml", f"malformed XML {where}{expat.ErrorString(exc.code)} "
                               f"at line {collector.line()}")
            return following
        yield from _drain(file, collector)
        if not chunk:
            return None


def _next_award(fh, offset: int) -> int | None:  # type: ignore[no-untyped-def]
    """The byte offset of the next <Award> start at or after `offset`, or None."""
    fh.seek(offset)
    carry = b""
    position = offset
    while chunk := fh.read(1 << 20):
        block = carry + chunk
        found = _AWARD_START.search(block)
        if found:
            return position - len(carry) + found.start()
        carry = block[-8:]
        position += len(chunk)
    return None


def _lines_before(path: Path, offset: int) -> int:
    """The 1-based line number of the byte at `offset`."""
    count, done = 1, 0
    with open(path, "rb") as fh:
        while done < offset and (chunk := fh.read(min(1 << 20, offset - done))):
            count += chunk.count(b"\n")
            done += len(chunk)
    return count


def _drain(file: str, collector: _AwardCollector) -> Iterator[ParsedRow]:
    while collector.done:
        line, element = collector.done.pop(0)
        yield convert_one(file, line, _award_mapping(element), _award_from_xml_row)
