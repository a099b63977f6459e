"""Which capability mentions of a document or entity become stored CapabilityEvidence rows, and their shape.

Kept apart from the writer because it is a pure mapping from mentions to row dicts (one row per
capability, capped per document); the writer only decides when to extract and insert them.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matcher.capabilities.extractor import aggregate_mentions

MAX_EVIDENCE_PER_DOCUMENT = 12


def evidence_dicts(entity_id: str, document_id: str | None, fields: dict[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """One row per capability (its strongest mention, weighted over fields), at most a dozen per document."""
    rows = []
    for score in aggregate_mentions(fields)[:MAX_EVIDENCE_PER_DOCUMENT]:
        field, mention = score.mentions[0]
        rows.append({"entity_id": entity_id, "capability_id": score.capability_id[:255],
                     "capability_label": score.label[:300],
                     "document_id": document_id, "start": mention.start if field != "title" else -mention.end,
                     "end": mention.end if field != "title" else -mention.start, "sentence": mention.sentence[:1000],
                     "weight": score.weight, "source": "keyphrase" if score.is_keyphrase else "extracted"})
    return rows
