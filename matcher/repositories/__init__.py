"""The store's queries, one module per aggregate of matcher.models; services call these, never build SQL.

`cards` holds the read model the ranking shares (entity cards, document texts, capability statistics);
its functions are re-exported here for the callers that imported them before the split.
"""
from .cards import (
    CHUNK,
    capabilities_of,
    capability_document_frequency,
    document_links,
    document_texts,
    entity_cards,
)

__all__ = [
    "CHUNK", "capabilities_of", "capability_document_frequency", "document_links", "document_texts",
    "entity_cards",
]
