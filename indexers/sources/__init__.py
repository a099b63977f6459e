"""Source parsers: files in, plain frozen records out; no database access (ingest stores them)."""
from __future__ import annotations

from indexers.sources.names import name_match_key, normalise_person_name
from indexers.sources.records import (AwardRecord, EquipmentRecord, FirmDocument, FirmRecord, Parsed, ParsedRow,
                                      Person, ProblemRecord, ProjectRecord, PublicationRecord, Record, RowError,
                                      Skipped)
from indexers.sources.registry import EXTENSIONS, PARSERS, detect_format, parse

__all__ = [
    "AwardRecord", "EquipmentRecord", "FirmDocument", "FirmRecord", "Parsed", "ParsedRow", "Person",
    "ProblemRecord", "ProjectRecord", "PublicationRecord", "Record", "RowError", "Skipped",
    "EXTENSIONS", "PARSERS", "detect_format", "parse", "name_match_key", "normalise_person_name",
]
