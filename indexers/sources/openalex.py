"""OpenAlex works (the 2022 and 2025 record formats) turned into PublicationRecords.

Differences handled: venue in ``host_venue`` (2022) or ``primary_location.source`` (2025);
topics only in 2025 (``topics``), concepts in both; keywords as objects (2025); authorship
countries per institution (2022) or also per authorship (2025).
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from indexers.sources.reading import (FieldError, Row, bare_id, content_key, convert_one, jsonl_objects,
                                      normalise_doi, open_text,
                                      required, year)
from indexers.sources.records import ParsedRow, Person, PublicationRecord, RowError


def abstract_from_inverted_index(index: Mapping[str, list[int]] | None) -> str | None:
    """Rebuild the abstract text OpenAlex ships as word -> positions."""
    if not index:
        return None
    placed: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions or ():
            placed[int(position)] = word
    return " ".join(placed[i] for i in sorted(placed)) or None


def is_openalex_work(row: Mapping[str, Any]) -> bool:
    """True for objects that look like OpenAlex works rather than flat publication rows."""
    return str(row.get("id", "")).startswith("https://openalex.org/W") or "authorships" in row


def _venue(row: Row) -> str | None:
    location = row.get("primary_location") or {}
    source = location.get("source") if isinstance(location, dict) else None
    for candidate in (source, row.get("host_venue")):
        if isinstance(candidate, dict) and candidate.get("display_name"):
            return str(candidate["display_name"])
    return None


def _authors(row: Row) -> tuple[Person, ...]:
    people = []
    for authorship in row.get("authorships") or ():
        author = authorship.get("author") or {}
        name = author.get("display_name") or authorship.get("raw_author_name")
        if not name:
            continue
        institutions = [i for i in authorship.get("institutions") or () if isinstance(i, dict)]
        first = institutions[0] if institutions else {}
        countries = authorship.get("countries") or []
        people.append(
            Person(
                name=" ".join(str(name).split()),
                orcid=bare_id(author.get("orcid")),
                institution=first.get("display_name"),
                ror_id=bare_id(first.get("ror")),
                country=first.get("country_code") or (countries[0] if countries else None),
                role=authorship.get("author_position"),
            )
        )
    return tuple(people)


def _labels(items: Any, minimum_score: float = 0.0) -> tuple[str, ...]:
    labels = []
    for item in items or ():
        if isinstance(item, dict) and item.get("display_name"):
            if float(item.get("score") or 0) >= minimum_score:
                labels.append(str(item["display_name"]))
        elif isinstance(item, str) and item.strip():
            labels.append(item.strip())
    return tuple(dict.fromkeys(labels))


def work_from_openalex(row: Row) -> PublicationRecord:
    """Map one OpenAlex work; the key prefers the DOI so other sources of the same paper collide."""
    title = required(row, "title", "display_name")
    if not isinstance(row.get("authorships") or [], list):
        raise FieldError("authorships", "expected a list")
    doi = normalise_doi(row.get("doi") or (row.get("ids") or {}).get("doi"))
    openalex_id = bare_id(row.get("id"))
    topics = _labels(row.get("topics")) or _labels(row.get("concepts"), minimum_score=0.3)
    return PublicationRecord(
        key=f"doi:{doi}" if doi else f"openalex:{openalex_id}" if openalex_id else content_key("pub", title),
        title=title,
        abstract=abstract_from_inverted_index(row.get("abstract_inverted_index")),
        year=year(row, "publication_year"),
        venue=_venue(row),
        doi=doi,
        openalex_id=openalex_id,
        authors=_authors(row),
        topics=topics,
        keywords=_labels(row.get("keywords")),
    )


def _works_in_json(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        return document["results"]  # an API page
    return [document]


def parse_openalex(path: Path) -> Iterator[ParsedRow]:
    """OpenAlex works from JSON Lines (streamed) or from a .json work / list / API page (loaded whole)."""
    file = str(path)
    if path.suffix.lower() != ".json":
        for number, obj in jsonl_objects(path):
            yield obj if isinstance(obj, RowError) else convert_one(file, number, obj, work_from_openalex)
        return
    with open_text(path) as fh:
        try:
            document = json.load(fh)
        except json.JSONDecodeError as exc:
            yield RowError(file, exc.lineno, "json", f"malformed JSON: {exc.msg}")
            return
    for number, work in enumerate(_works_in_json(document), start=1):
        if not isinstance(work, dict):
            yield RowError(file, number, "json", f"expected an object, got {type(work).__name__}")
            continue
        yield convert_one(file, number, work, work_from_openalex)
