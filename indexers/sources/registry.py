"""Choose a parser by input kind and file format; a table, so adding a format is one line."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from indexers.sources import awards, equipment, firms, openalex, problems, projects, publications
from indexers.sources.records import ParsedRow

Parser = Callable[[Path], Iterator[ParsedRow]]

PARSERS: dict[str, dict[str, Parser]] = {
    "firms": {"csv": firms.parse_csv, "jsonl": firms.parse_jsonl},
    "publications": {
        "csv": publications.parse_csv,
        "jsonl": publications.parse_jsonl,
        "bibtex": publications.parse_bibtex,
        "ris": publications.parse_ris,
        "openalex": openalex.parse_openalex,
        "json": openalex.parse_openalex,
    },
    "awards": {"csv": awards.parse_csv, "jsonl": awards.parse_jsonl, "xml": awards.parse_nsf_xml},
    "equipment": {"csv": equipment.parse_csv, "jsonl": equipment.parse_jsonl, "xlsx": equipment.parse_xlsx},
    "projects": {"csv": projects.parse_csv, "jsonl": projects.parse_jsonl},
    "problems": {"csv": problems.parse_csv, "jsonl": problems.parse_jsonl},
}

EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
    ".xml": "xml",
    ".xlsx": "xlsx",
}


def detect_format(path: Path) -> str:
    """The format name for a file extension; unknown extensions are a ValueError naming the file."""
    try:
        return EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"{path}: cannot tell the format from extension {path.suffix!r}; "
                         f"pass fmt= one of {sorted(set(EXTENSIONS.values()))}") from None


def parse(kind: str, path: Path, fmt: str | None = None) -> Iterator[ParsedRow]:
    """Stream records, RowErrors and Skipped rows of one file; raises ValueError before reading if unsupported."""
    path = Path(path)
    try:
        by_format = PARSERS[kind]
    except KeyError:
        raise ValueError(f"{path}: unknown input kind {kind!r}; expected one of {sorted(PARSERS)}") from None
    name = (fmt or detect_format(path)).lower()
    try:
        parser = by_format[name]
    except KeyError:
        raise ValueError(f"{path}: format {name!r} is not supported for {kind}; "
                         f"supported: {sorted(by_format)}") from None
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    return parser(path)
