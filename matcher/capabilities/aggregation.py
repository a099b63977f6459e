"""From a document's mentions (per field) to per-capability scores and storable evidence rows.

Kept apart from extraction because it needs no NLP at all: ingest and matching call it on mentions
they already have, and field weighting is a ranking decision, not a text-analysis one.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher.types import CapabilityMention

DEFAULT_FIELD_WEIGHTS: Mapping[str, float] = {"title": 2.0, "keywords": 1.5, "abstract": 1.0, "text": 1.0}


@dataclass(frozen=True)
class CapabilityScore:
    """One capability's evidence in a document, summed over fields (a title mention counts more)."""

    capability_id: str
    label: str
    weight: float
    count: int
    is_keyphrase: bool
    mentions: tuple[tuple[str, CapabilityMention], ...]  # (field, mention), strongest field first


@dataclass(frozen=True)
class EvidenceRow:
    """The row ingest stores: who shows which capability, where, and how strongly."""

    entity_id: str
    capability_id: str
    document_id: str
    field: str
    start: int
    end: int
    sentence: str
    weight: float
    is_keyphrase: bool


def aggregate_mentions(
    fields: Mapping[str, Sequence[CapabilityMention]],
    field_weights: Mapping[str, float] = DEFAULT_FIELD_WEIGHTS,
) -> list[CapabilityScore]:
    """Per-capability weights for one document, strongest first.

    weight = sum over fields of field_weight * (1 + log(sum of mention weights in that field)), so a
    capability named in the title outranks one repeated ten times in the body, and repetition saturates.
    """
    per_cap: dict[str, dict[str, list[CapabilityMention]]] = {}
    for field_name, mentions in fields.items():
        for m in mentions:
            per_cap.setdefault(m.capability_id, {}).setdefault(field_name, []).append(m)
    scores = []
    for cid, by_field in per_cap.items():
        weight = 0.0
        ordered: list[tuple[str, CapabilityMention]] = []
        for field_name in sorted(by_field, key=lambda f: -field_weights.get(f, 1.0)):
            ms = by_field[field_name]
            raw = sum(m.weight for m in ms)
            weight += field_weights.get(field_name, 1.0) * (raw if raw < 1 else 1 + math.log(raw))
            ordered.extend((field_name, m) for m in ms)
        first = ordered[0][1]
        scores.append(CapabilityScore(capability_id=cid, label=first.label, weight=round(weight, 4),
                                      count=len(ordered), is_keyphrase=first.is_keyphrase, mentions=tuple(ordered)))
    scores.sort(key=lambda s: (-s.weight, s.capability_id))
    return scores


def evidence_rows(
    entity_id: str,
    document_id: str,
    fields: Mapping[str, Sequence[CapabilityMention]],
    field_weights: Mapping[str, float] = DEFAULT_FIELD_WEIGHTS,
) -> list[EvidenceRow]:
    """Flatten a document's mentions into storable evidence rows, weighted by field."""
    rows = []
    for field_name, mentions in fields.items():
        fw = field_weights.get(field_name, 1.0)
        for m in mentions:
            rows.append(EvidenceRow(entity_id=entity_id, capability_id=m.capability_id, document_id=document_id,
                                    field=field_name, start=m.start, end=m.end, sentence=m.sentence,
                                    weight=round(fw * m.weight, 4), is_keyphrase=m.is_keyphrase))
    return rows
