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
                                      normalise_doi, read_text, required, year)
from indexers.sources.records import ParsedRow, Person, PublicationRecord, RowError


def abstract_from_inverted_index(index: Any) -> str | None:
    """Rebuild the abstract text OpenAlex ships as word -> positions (non-negative integers)."""
    if not index:
        return None
    if not isinstance(index, dict):
        raise FieldError("abstract_inverted_index", "expected an object of word -> positions")
    placed: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list):
            raise FieldError("abstract_inverted_index", f"positions of {str(word)[:30]!r} are not a list")
        for position in positions:
            if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < 1_000_000:
                raise FieldError("abstract_inverted_index", f"position {str(position)[:30]!r} of "
                                 f"{str(word)[:30]!r} is not a small non-negative integer")
            placed[position] = str(word)
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


def _dict(value: Any, field: str) -> dict[str, Any]:
    """An optional JSON object; anything else than an object or null is the row's error."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FieldError(field, f"expected an object, got {type(value).__name__}")
    return value


def _authors(row: Row) -> tuple[Person, ...]:
    people = []
    for number, authorship in enumerate(row.get("authorships") or (), start=1):
        where = f"authorships[{number}]"
        authorship = _dict(authorship, where)
        author = _dict(authorship.get("author"), f"{where}.author")
        name = author.get("display_name") or authorship.get("raw_author_name")
        if not name:
            continue
        if not isinstance(name, str):
            raise FieldError(f"{where}.author.display_name", "expected text")
        institutions = [i for i in authorship.get("institutions") or () if isinstance(i, dict)]
        first = institutions[0] if institutions else {}
        countries = authorship.get("countries") or []
        people.append(
            Person(
                name=" ".join(name.split()),
                orcid=bare_id(_opt_text(author.get("orcid"), f"{where}.author.orcid")),
                institution=_opt_text(first.get("display_name"), f"{where}.institutions"),
                ror_id=bare_id(_opt_text(first.get("ror"), f"{where}.institutions")),
                country=_opt_text(first.get("country_code") or (countries[0] if isinstance(countries, list)
                                                                 and countries else None), f"{where}.countries"),
                role=_opt_text(authorship.get("author_position"), f"{where}.author_position"),
            )
        )
    return tuple(people)


def _opt_text(value: Any, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise FieldError(field, f"expected text, got {type(value).__name__}")


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
    doi = normalise_doi(_opt_text(row.get("doi"), "doi") or _opt_text(_dict(row.get("ids"), "ids").get("doi"),
                                                                         "ids.doi"))
    openalex_id = bare_id(_opt_text(row.get("id"), "id"))
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
    content = read_text(path)
    if isinstance(content, RowError):
        yield content
        return
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        yield RowError(file, exc.lineno, "json", f"malformed JSON: {exc.msg}")
        return
    except RecursionError:
        yield RowError(file, 1, "json", "JSON nested too deeply")
        return
    for number, work in enumerate(_works_in_json(document), start=1):
        if not isinstance(work, dict):
            yield RowError(file, number, "json", f"expected an object, got {type(work).__name__}")
            continue
        yield convert_one(file, number, work, work_from_openalex)
