"""Plain frozen records the source parsers emit; the ingest pipeline stores them.

Kept free of any database code so parsers can be tested on files alone and the
ingest step decides how records become rows (upsert by ``key``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Union

from indexers.sources.names import normalise_person_name


@dataclass(frozen=True)
class Person:
    """An author or investigator, in source order; carries what author resolution needs."""

    name: str
    orcid: str | None = None  # bare id, e.g. "0000-0002-0147-5193"
    email: str | None = None
    institution: str | None = None
    ror_id: str | None = None  # bare id, e.g. "03v4gjf40"
    country: str | None = None
    role: str | None = None  # e.g. "Principal Investigator", "first"

    @property
    def normalised_name(self) -> str:
        """The form used to compare people within one institution."""
        return normalise_person_name(self.name)


@dataclass(frozen=True)
class FirmDocument:
    """A text that evidences a firm's capabilities (an SBIR award abstract, for instance)."""

    key: str
    title: str
    text: str
    year: int | None = None
    agency: str | None = None
    amount: float | None = None
    url: str | None = None


@dataclass(frozen=True)
class FirmRecord:
    """A manufacturer or other firm; several records may share a key and must be merged."""

    key: str
    name: str
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postcode: str | None = None
    description: str | None = None
    website: str | None = None
    documents: tuple[FirmDocument, ...] = ()


@dataclass(frozen=True)
class PublicationRecord:
    """A paper, book or proceedings item; its authors evidence researchers' expertise."""

    key: str
    title: str
    abstract: str | None = None
    year: int | None = None
    venue: str | None = None
    doi: str | None = None  # lower case, without the https://doi.org/ prefix
    openalex_id: str | None = None  # e.g. "W4200035428"
    authors: tuple[Person, ...] = ()
    topics: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class AwardRecord:
    """A research grant; its abstract evidences the investigators' expertise."""

    key: str
    award_id: str
    title: str
    abstract: str | None = None
    investigators: tuple[Person, ...] = ()  # lead first
    institution: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    start_year: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    amount: float | None = None
    funder: str | None = None
    division: str | None = None
    programs: tuple[str, ...] = ()


@dataclass(frozen=True)
class EquipmentRecord:
    """An instrument or facility that a research partner can offer."""

    key: str
    name: str
    institution: str | None = None
    facility: str | None = None
    location: str | None = None
    category: str | None = None
    description: str | None = None
    status: str | None = None
    access: str | None = None  # access terms / conditions of use
    url: str | None = None
    licence: str | None = None


@dataclass(frozen=True)
class ProjectRecord:
    """An institute project (FP7 projects stand in for them in the demo)."""

    key: str
    title: str
    acronym: str | None = None
    description: str | None = None
    institute: str | None = None
    programme: str | None = None
    status: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    call_open: date | None = None
    call_close: date | None = None
    participants: tuple[str, ...] = ()
    participant_count: int | None = None
    cost: float | None = None


@dataclass(frozen=True)
class ProblemRecord:
    """A manufacturer's or agency's technical problem statement to be matched."""

    key: str
    title: str
    text: str
    region: str | None = None
    country: str | None = None
    owner: str | None = None  # agency or company that posed the problem
    program: str | None = None
    phase: str | None = None
    released: date | None = None
    opens: date | None = None
    closes: date | None = None
    url: str | None = None
    visibility: str = "public"


Record = Union[FirmRecord, PublicationRecord, AwardRecord, EquipmentRecord, ProjectRecord, ProblemRecord]


@dataclass(frozen=True)
class Parsed:
    """A good record and where it came from, so the ingest can point back at the source."""

    record: Record
    file: str
    line: int  # 1-based line (CSV/JSONL/RIS/BibTeX/XML), sheet row (XLSX), item number (JSON)


@dataclass(frozen=True)
class RowError:
    """One bad row; parsing goes on with the next row."""

    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class Skipped:
    """A row deliberately left out (not an error), e.g. an asset-register entry that is furniture."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: skipped: {self.reason}"


ParsedRow = Union[Parsed, RowError, Skipped]
