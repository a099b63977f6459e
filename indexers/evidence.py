"""Which capability mentions of a document or entity become stored CapabilityEvidence rows, and their shape.

Kept apart from the writer because it is a pure mapping from mentions to row values (one row per
capability, capped per document); the writer only decides when to extract and insert them. The
id-free half (`evidence_values`) is what extraction worker processes send back (indexers/extract_pool.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matcher.capabilities.extractor import CapabilityExtractor, aggregate_mentions

MAX_EVIDENCE_PER_DOCUMENT = 12
#: The CapabilityEvidence columns of one row besides entity_id and document_id, in EvidenceValues order.
VALUE_COLUMNS = ("capability_id", "capability_label", "start", "end", "sentence", "weight", "source")
EvidenceValues = tuple[str, str, int, int, str, float, str]


def evidence_values(fields: dict[str, Sequence[Any]]) -> list[EvidenceValues]:
    """One row per capability (its strongest mention, weighted over fields), at most a dozen per document.

    A title mention's offsets are stored negated and swapped (start=-end, end=-start) so one pair of
    columns tells the display which field the span is in.
    """
    rows = []
    for score in aggregate_mentions(fields)[:MAX_EVIDENCE_PER_DOCUMENT]:
        field, mention = score.mentions[0]
        title = field == "title"
        rows.append((score.capability_id[:255], score.label[:300], -mention.end if title else mention.start,
                     -mention.start if title else mention.end, mention.sentence[:1000], score.weight,
                     "keyphrase" if score.is_keyphrase else "extracted"))
    return rows


def pair_evidence(extractor: CapabilityExtractor, title: str, text: str) -> list[EvidenceValues]:
    """Extract one (title, text) pair and keep its evidence rows: the unit of work of an import."""
    title_mentions, text_mentions = extractor.extract_many([title, text])
    return evidence_values({"title": title_mentions, "text": text_mentions})


def as_dicts(entity_id: str, document_id: str | None, values: Sequence[EvidenceValues]) -> list[dict[str, Any]]:
    """Rows for an insert: the id-free values with the entity and document they belong to."""
    return [{"entity_id": entity_id, "document_id": document_id, **dict(zip(VALUE_COLUMNS, row))} for row in values]


def evidence_dicts(entity_id: str, document_id: str | None, fields: dict[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """evidence_values() as insertable dicts for one entity and document."""
    return as_dicts(entity_id, document_id, evidence_values(fields))
