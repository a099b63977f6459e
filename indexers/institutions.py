"""Korean research organisations from ROR: every name they go by resolves to one organisation.

A Korean source writes "한국과학기술원", an English one "Korea Advanced Institute of Science and
Technology", a third "KAIST": the bundled table (data/institutions/ror_kr.csv, ROR, CC0; cut by
scripts/build_ror_kr.py) maps each name, alias and unambiguous acronym to the ROR record, so the writer
gives all three the ROR id, hence one organisation row, with the Korean names kept in ``extra["aliases"]``.
``load_institutions`` writes the table's organisations with their regions (the demo does).
"""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexers.keys import name_key
from matcher.runtime import Runtime

ROR_KR_PATH = Path(__file__).resolve().parents[1] / "data" / "institutions" / "ror_kr.csv"
#: ROR types -> the organisation kinds InnoBridge knows.
KINDS = {"education": "university", "facility": "institute", "government": "institute", "nonprofit": "institute",
         "healthcare": "hospital", "company": "firm", "funder": "funder", "archive": "institute", "other": "other"}


@dataclass(frozen=True)
class RorEntry:
    ror_id: str
    name: str
    aliases: tuple[str, ...]  # Korean names first, then other aliases and acronyms
    kind: str
    city: str | None
    region: str | None
    active: bool = True

    @property
    def korean_names(self) -> tuple[str, ...]:
        from matcher.korean import has_hangul

        return tuple(a for a in self.aliases if has_hangul(a))


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def _entry(row: dict[str, str]) -> RorEntry:
    types = _split(row.get("types"))
    kind = KINDS.get(types[0], "other") if types else "other"
    aliases = (*_split(row.get("aliases_ko")), *_split(row.get("aliases")), *_split(row.get("acronyms")))
    return RorEntry(row["ror_id"], row["name"].strip(), tuple(dict.fromkeys(aliases)), kind,
                    row.get("city") or None, row.get("region") or None, row.get("status", "active") == "active")


class RorDirectory:
    """Name key -> ROR entry over a table; a name two records share resolves to neither."""

    def __init__(self, entries: list[RorEntry], acronyms: dict[str, list[str]]) -> None:
        self.entries = entries
        keys: dict[str, set[str]] = {}
        owners = {e.ror_id: e for e in entries}
        acronym_counts = Counter(name_key(a) for names in acronyms.values() for a in names)
        for entry in entries:
            names = [entry.name, *(a for a in entry.aliases if a not in acronyms.get(entry.ror_id, ()))]
            names += [a for a in acronyms.get(entry.ror_id, ()) if acronym_counts[name_key(a)] == 1]
            for name in names:
                key = name_key(name)
                if key:
                    keys.setdefault(key, set()).add(entry.ror_id)
        self._by_key = {k: owners[next(iter(ids))] for k, ids in keys.items() if len(ids) == 1}
        self._by_id = owners

    def find(self, name: str) -> RorEntry | None:
        """The ROR record this name (primary, alias, Korean name or acronym) belongs to, if exactly one."""
        return self._by_key.get(name_key(name)) if name else None

    def by_id(self, ror_id: str) -> RorEntry | None:
        return self._by_id.get(ror_id)

    @classmethod
    def from_csv(cls, path: Path) -> RorDirectory:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        return cls([_entry(r) for r in rows], {r["ror_id"]: _split(r.get("acronyms")) for r in rows})


@lru_cache(maxsize=1)
def ror_directory(path: str = str(ROR_KR_PATH)) -> RorDirectory | None:
    """The bundled directory, read once; None when the table is absent (then names resolve as before)."""
    table = Path(path)
    return RorDirectory.from_csv(table) if table.is_file() else None


def load_institutions(runtime: Runtime, path: Path = ROR_KR_PATH, active_only: bool = True) -> int:
    """Write the table's organisations (idempotent: ids come from ROR ids); returns how many organisations
    they are (two records of the same name are one organisation, as the writer resolves names)."""
    from indexers.writer import StoreWriter

    directory = RorDirectory.from_csv(path)
    entries = [e for e in directory.entries if e.active or not active_only]
    with runtime.db.session() as session:
        writer = StoreWriter(session)
        ids = {writer.organization(entry.name, kind=entry.kind, ror_id=entry.ror_id, country="KR",
                                   region=entry.region, city=entry.city, aliases=entry.aliases) for entry in entries}
        writer.flush()
    return len(ids)
