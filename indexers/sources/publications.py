"""Publications from flat CSV/JSONL rows, BibTeX and RIS; OpenAlex works live in openalex.py.

BibTeX and RIS files are cut into one chunk per entry before the libraries see them, so a
broken entry costs only itself and large files stream.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors

from indexers.sources.names import display_name
from indexers.sources.openalex import is_openalex_work, work_from_openalex
from indexers.sources.decoding import decoded_lines
from indexers.sources.reading import (FieldError, Row, bare_id, content_key, convert_one, csv_rows, jsonl_objects,
                                      listing, normalise_doi, required, text, year)
from indexers.sources.records import ParsedRow, Person, PublicationRecord, RowError


def _people(value: Any) -> tuple[Person, ...]:
    """Authors from a list of names or dicts, or a ';'-separated string (commas may be "Last, First")."""
    if isinstance(value, str):
        value = [v for v in value.split(";")]
    if value is not None and not isinstance(value, (list, tuple)):
        raise FieldError("authors", f"expected a list of names or a ';'-separated text, got {type(value).__name__}")
    people = []
    for item in value or ():
        if isinstance(item, (list, tuple)):
            raise FieldError("authors", "expected names or objects, got a nested list")
        if isinstance(item, dict):
            name = text(item, "name", "display_name", "full_name")
            if name:
                people.append(Person(name=display_name(name), orcid=bare_id(text(item, "orcid")),
                                     email=text(item, "email"), institution=text(item, "institution", "affiliation"),
                                     ror_id=bare_id(text(item, "ror", "ror_id")), country=text(item, "country")))
        elif str(item).strip():
            people.append(Person(name=display_name(str(item))))
    return tuple(people)


def publication_from_row(row: Row) -> PublicationRecord:
    """Map a flat publication row; the key is the DOI when there is one, else a content hash."""
    title = required(row, "title")
    doi = normalise_doi(text(row, "doi"))
    authors = _people(row.get("authors"))
    published = year(row, "year", "publication_year")
    key_source = text(row, "key", "id")
    key = (f"doi:{doi}" if doi else key_source
           or content_key("pub", title, published, authors[0].normalised_name if authors else ""))
    return PublicationRecord(
        key=key,
        title=title,
        abstract=text(row, "abstract"),
        year=published,
        venue=text(row, "venue", "journal", "booktitle", "source"),
        doi=doi,
        openalex_id=bare_id(text(row, "openalex_id")),
        authors=authors,
        topics=listing(row, "topics"),
        keywords=listing(row, "keywords"),
    )


def _any_publication(row: Row) -> PublicationRecord:
    return work_from_openalex(row) if is_openalex_work(row) else publication_from_row(row)


def parse_csv(path: Path) -> Iterator[ParsedRow]:
    """Publications from CSV (authors and keywords separated by ';')."""
    return csv_rows(path, publication_from_row)


def parse_jsonl(path: Path) -> Iterator[ParsedRow]:
    """Publications from JSON Lines; OpenAlex works are recognised line by line."""
    for number, obj in jsonl_objects(path):
        yield obj if isinstance(obj, RowError) else convert_one(str(path), number, obj, _any_publication)


# --- chunking by entry ---------------------------------------------------------------------


def _chunks(path: Path, starts: re.Pattern[str]) -> Iterator[tuple[int, str | RowError]]:
    """(first line, text) per entry, an entry running until the next line matching `starts`.

    A line that does not decode is reported and its entry dropped (the entry would be cut short)."""
    start, lines, broken = 0, [], False
    for number, line in decoded_lines(path):
        if isinstance(line, RowError):
            yield number, line
            broken = True
            continue
        if starts.match(line):
            if lines and not broken:
                yield start, "".join(lines)
            start, lines, broken = number, [line], False
        elif lines:
            lines.append(line)
    if lines and not broken:
        yield start, "".join(lines)


# --- BibTeX --------------------------------------------------------------------------------

_BIB_START = re.compile(r"^\s*@\s*\w+\s*[{(]")
_BIB_SPECIAL = re.compile(r"^\s*@\s*(string|comment|preamble)\b", re.IGNORECASE)


def _bib_row(fields: dict[str, Any]) -> dict[str, Any]:
    row = {k.lower(): v for k, v in fields.items()}
    row["authors"] = row.get("author") or row.get("editor")
    row["venue"] = text(row, "journal", "booktitle", "publisher", "school", "series")
    row["keywords"] = listing(row, "keywords", sep=",") or listing(row, "keywords")
    return row


_WORD = re.compile(r"[A-Za-z_][\w\-:.+/]*")
_MACRO_NAME = re.compile(r"^\s*@\s*string\s*[{(]\s*([^\s=]+)\s*=", re.IGNORECASE)


def _macros_used(chunk: str, macros: dict[str, tuple[int, str]]) -> str:
    """Only the @string definitions this entry needs (and those they use), in file order.

    Prepending every definition to every entry made parsing quadratic (2,000 macros: 43.7 s for 100
    entries)."""
    if not macros:
        return ""
    wanted: dict[str, tuple[int, str]] = {}
    todo = [chunk]
    while todo:
        for match in _WORD.finditer(todo.pop()):
            word = match.group(0).lower()
            if word in macros and word not in wanted:
                wanted[word] = macros[word]
                todo.append(macros[word][1])
    return "".join(text for _, text in sorted(wanted.values()))


def _bib_entries(file: str, line: int, source: str) -> Iterator[ParsedRow]:
    try:
        library = bibtexparser.parse_string(
            source, append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors()])
    except Exception as exc:  # noqa: BLE001 - bibtexparser raises several kinds on bad input
        yield RowError(file, line, "entry", f"unparsable BibTeX entry: {type(exc).__name__}: {str(exc)[:200]}")
        return
    for failed in library.failed_blocks:
        reason = getattr(failed, "error", None) or type(failed).__name__
        yield RowError(file, line, "entry", f"unparsable BibTeX entry: {reason}")
    for entry in library.entries:
        fields = {k: f.value for k, f in entry.fields_dict.items()}
        yield convert_one(file, line, _bib_row(fields), publication_from_row)


def parse_bibtex(path: Path) -> Iterator[ParsedRow]:
    """Publications from BibTeX; @string macros defined earlier in the file are honoured."""
    file = str(path)
    macros: dict[str, tuple[int, str]] = {}
    for line, chunk in _chunks(path, _BIB_START):
        if isinstance(chunk, RowError):
            yield chunk
            continue
        if _BIB_SPECIAL.match(chunk):
            name = _MACRO_NAME.match(chunk)
            if name:
                macros[name.group(1).lower()] = (len(macros), chunk)
            continue
        yield from _bib_entries(file, line, _macros_used(chunk, macros) + chunk)


# --- RIS -----------------------------------------------------------------------------------

_RIS_START = re.compile(r"^\s*TY  -")


def _ris_row(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": record.get("title") or record.get("primary_title") or record.get("translated_title"),
        "abstract": record.get("abstract") or record.get("notes_abstract"),
        "year": record.get("year") or record.get("publication_year") or record.get("date"),
        "venue": record.get("journal_name") or record.get("secondary_title") or record.get("alternate_title3"),
        "doi": record.get("doi"),
        "id": None,
        "authors": list(record.get("authors") or []) + list(record.get("first_authors") or []),
        "keywords": record.get("keywords"),
    }


def parse_ris(path: Path) -> Iterator[ParsedRow]:
    """Publications from RIS (EndNote, Zotero, Scopus exports)."""
    file = str(path)
    for line, chunk in _chunks(path, _RIS_START):
        if isinstance(chunk, RowError):
            yield chunk
            continue
        try:
            records = rispy.loads(chunk)
        except Exception as exc:  # rispy raises bare exceptions of several kinds on bad input
            yield RowError(file, line, "entry", f"unparsable RIS entry: {exc}")
            continue
        if not records:
            yield RowError(file, line, "entry", "RIS entry without an 'ER  -' end tag")
            continue
        yield convert_one(file, line, _ris_row(records[0]), publication_from_row)
