"""A candidate entity once scored: what the page builder, the digests and learning read of a ranking."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from matcher.types import EntityCard


@dataclass(frozen=True)
class ScoredEntity:
    """One entity's fused score with its components and explanation material, never a bare tuple."""

    score: float
    card: EntityCard
    components: dict[str, float] = field(default_factory=dict)
    matched: tuple[str, ...] = ()  # capability ids of the query the entity has shown
    documents: tuple[str, ...] = ()  # its retrieved documents, best first: evidence and capabilities read these

    @property
    def id(self) -> str:
        return self.card.id

    def with_capabilities(self, overlap: float, matched: tuple[str, ...]) -> ScoredEntity:
        """The same entity with its capability overlap filled in (the score is left as it was)."""
        return replace(self, components={**self.components, "capability": overlap}, matched=matched)
