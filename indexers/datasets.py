"""Import an evaluation data set (shared/data/EVAL_FORMAT.md) through the same writer as every other import.

Entities keep their data-set ids in `extra`/name fields only for mapping results back; inside the
store they get the usual stable ids, so ranking sees nothing it would not see in production.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexers.sources.names import normalise_person_name
from indexers.writer import StoreWriter, name_key, stable_id
from matcher.capabilities.extractor import get_extractor
from matcher.models import Equipment, InstituteProject, Lab, Organization, Researcher
from matcher.runtime import Runtime

ENTITY_KINDS = ("researcher", "lab", "organization", "equipment", "project")
BATCH = 500


@dataclass
class LoadedDataset:
    """Id maps between the data set and the store."""

    entity_ids: dict[str, str] = field(default_factory=dict)  # dataset id -> store id
    document_ids: dict[str, str] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)

    @property
    def dataset_entity(self) -> dict[str, str]:
        return {v: k for k, v in self.entity_ids.items()}


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line), None
            except json.JSONDecodeError as exc:
                yield number, None, f"{path}:{number}: line: invalid JSON ({exc.msg})"


def load_dataset(runtime: Runtime, directory: str | Path, progress: Callable[[int], None] | None = None) -> LoadedDataset:
    """Load entities.jsonl and documents.jsonl; bad lines are reported in `rejected`, good ones kept."""
    directory = Path(directory)
    loaded = LoadedDataset()
    with runtime.db.session() as session:
        for number, row, error in _jsonl(directory / "entities.jsonl"):
            if error or row is None:
                loaded.rejected.append(error or "")
                continue
            kind = row.get("kind")
            if kind not in ENTITY_KINDS or not row.get("id"):
                loaded.rejected.append(f"{directory / 'entities.jsonl'}:{number}: kind: expected one of {ENTITY_KINDS}")
                continue
            store_id = stable_id(kind, f"dataset:{row['id']}")
            loaded.entity_ids[str(row["id"])] = store_id
            name = str(row.get("name") or row["id"])
            if session.get(_MODELS[kind], store_id) is None:
                session.add(_entity_row(kind, store_id, name, row))
    session = runtime.db.session_factory()
    try:
        writer = StoreWriter(session, get_extractor())
        count = 0
        for number, row, error in _jsonl(directory / "documents.jsonl"):
            if error or row is None:
                loaded.rejected.append(error or "")
                continue
            if not row.get("id") or not (row.get("title") or row.get("text")):
                loaded.rejected.append(f"{directory / 'documents.jsonl'}:{number}: id/text: missing")
                continue
            links = [(loaded.entity_ids[e], e_kind, None) for e in row.get("entity_ids", [])
                     if e in loaded.entity_ids for e_kind in [loaded.entity_ids[e].split(":", 1)[0]]]
            doc_id = stable_id("document", f"dataset:{row['id']}")
            loaded.document_ids[str(row["id"])] = doc_id
            writer.document(doc_id, kind=str(row.get("kind") or "publication"), title=str(row.get("title") or ""),
                            text=str(row.get("text") or ""), links=links, year=_year(row.get("year")),
                            source="dataset")
            count += 1
            if count % BATCH == 0:
                writer.flush_evidence()
                session.commit()
                if progress:
                    progress(count)
        writer.flush_evidence()
        session.commit()
    finally:
        session.close()
    return loaded


def _year(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _entity_row(kind: str, store_id: str, name: str, row: dict[str, Any]) -> Any:
    region, country, city = row.get("region"), row.get("country"), row.get("city")
    if kind == "organization":
        return Organization(id=store_id, name=name, name_key=name_key(name), kind="other", region=region,
                            country=country, city=city, extra={})
    if kind == "researcher":
        return Researcher(id=store_id, name=name, name_key=normalise_person_name(name), regions_of_interest=[],
                          removed_capabilities=[], added_capabilities=[])
    if kind == "lab":
        return Lab(id=store_id, name=name)
    if kind == "equipment":
        return Equipment(id=store_id, name=name, region=region)
    return InstituteProject(id=store_id, title=name, region=region)


_MODELS: dict[str, type] = {"organization": Organization, "researcher": Researcher, "lab": Lab,
                            "equipment": Equipment, "project": InstituteProject}
