"""The capability taxonomy: a read-only tree of Capability nodes loaded from a JSONL data file.

Kept as data (built by scripts/build_taxonomy.py) so curators can change patterns without code changes.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from matcher.types import Capability

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "taxonomy.jsonl"


class Taxonomy:
    """Capabilities indexed by id, parent and label, so extraction and ranking can walk the tree."""

    def __init__(self, capabilities: list[Capability]) -> None:
        self._by_id: dict[str, Capability] = {}
        self._children: dict[str | None, list[str]] = {}
        self._by_label: dict[str, str] = {}
        for cap in capabilities:
            if cap.id in self._by_id:
                raise ValueError(f"duplicate capability id {cap.id!r}")
            self._by_id[cap.id] = cap
            self._by_label.setdefault(cap.label.casefold(), cap.id)
        for cap in capabilities:
            parent = cap.parent_id if cap.parent_id in self._by_id else None
            self._children.setdefault(parent, []).append(cap.id)

    @classmethod
    def load(cls, path: str | Path = DEFAULT_PATH) -> Taxonomy:
        """Read the JSONL file written by scripts/build_taxonomy.py."""
        caps = []
        with Path(path).open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    caps.append(Capability(id=row["id"], label=row["label"], parent_id=row.get("parent_id"),
                                           synonyms=tuple(row.get("synonyms", ())), scheme=row.get("scheme", "")))
        return cls(caps)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, capability_id: object) -> bool:
        return capability_id in self._by_id

    def __iter__(self) -> Iterator[Capability]:
        return iter(self._by_id.values())

    def get(self, capability_id: str) -> Capability | None:
        """The node with this id, or None for unknown ids (e.g. keyphrase ids)."""
        return self._by_id.get(capability_id)

    def __getitem__(self, capability_id: str) -> Capability:
        return self._by_id[capability_id]

    def all(self) -> list[Capability]:
        """Every capability, in file order (curated core first)."""
        return list(self._by_id.values())

    def roots(self) -> list[Capability]:
        """Top-level nodes, for browsing the tree."""
        return [self._by_id[i] for i in self._children.get(None, [])]

    def children(self, capability_id: str) -> list[Capability]:
        """Direct children, so a broad query can be expanded to its narrower capabilities."""
        return [self._by_id[i] for i in self._children.get(capability_id, [])]

    def descendants(self, capability_id: str) -> list[Capability]:
        """All nodes below this one (depth-first)."""
        out: list[Capability] = []
        stack = list(reversed(self._children.get(capability_id, [])))
        while stack:
            cid = stack.pop()
            out.append(self._by_id[cid])
            stack.extend(reversed(self._children.get(cid, [])))
        return out

    def ancestors(self, capability_id: str) -> list[Capability]:
        """Parents from nearest to root, so a narrow match also counts for its broader areas."""
        out: list[Capability] = []
        seen = {capability_id}
        cap = self._by_id.get(capability_id)
        while cap is not None and cap.parent_id and cap.parent_id not in seen:
            seen.add(cap.parent_id)
            cap = self._by_id.get(cap.parent_id)
            if cap is not None:
                out.append(cap)
        return out

    def by_label(self, label: str) -> Capability | None:
        """Case-insensitive exact label lookup (first match in priority order)."""
        cid = self._by_label.get(label.casefold())
        return self._by_id[cid] if cid else None

    def find(self, text: str) -> list[Capability]:
        """Capabilities whose label or a synonym contains the given text (for admin search boxes)."""
        needle = text.casefold().strip()
        if not needle:
            return []
        return [c for c in self._by_id.values()
                if needle in c.label.casefold() or any(needle in s for s in c.synonyms)]


@lru_cache(maxsize=4)
def get_taxonomy(path: str | Path = DEFAULT_PATH) -> Taxonomy:
    """One parsed taxonomy per process and path."""
    return Taxonomy.load(path)
