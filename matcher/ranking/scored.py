"""A candidate entity once scored: what the page builder, the digests and learning read of a ranking."""
from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from dataclasses import dataclass, field, replace

from matcher.types import EntityCard


class FeatureRow(Mapping[str, float]):
    """One candidate's features, read from its query's feature columns when first asked for: a search
    scores a few hundred candidates a feature at a time and shows a dozen, so only those become dicts."""

    __slots__ = ("_names", "_columns", "_row", "_dict")

    def __init__(self, names: tuple[str, ...], columns: Sequence[Sequence[float]], row: int) -> None:
        self._names = names
        self._columns = columns
        self._row = row
        self._dict: dict[str, float] | None = None

    def _values(self) -> dict[str, float]:
        values = self._dict
        if values is None:
            row = self._row
            values = self._dict = dict(zip(self._names, [column[row] for column in self._columns]))
        return values

    def __getitem__(self, name: str) -> float:
        return self._values()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())

    def items(self) -> ItemsView[str, float]:
        return self._values().items()

    def keys(self) -> KeysView[str]:
        return self._values().keys()

    def values(self) -> ValuesView[float]:
        return self._values().values()

    def __repr__(self) -> str:
        return repr(self._values())


@dataclass(frozen=True)
class ScoredEntity:
    """One entity's fused score with its components and explanation material, never a bare tuple."""

    score: float
    card: EntityCard
    components: Mapping[str, float] = field(default_factory=dict)
    matched: tuple[str, ...] = ()  # capability ids of the query the entity has shown
    documents: tuple[str, ...] = ()  # its retrieved documents, best first: evidence and capabilities read these

    @classmethod
    def of(cls, score: float, card: EntityCard, components: Mapping[str, float], matched: tuple[str, ...],
           documents: tuple[str, ...]) -> ScoredEntity:
        """ScoredEntity(score, card, components, matched, documents) without the frozen class's five
        object.__setattr__ calls: scoring builds one per candidate (~300 a search, ~0.5 ms saved)."""
        item = object.__new__(cls)
        item.__dict__.update(score=score, card=card, components=components, matched=matched, documents=documents)
        return item

    @property
    def id(self) -> str:
        return self.card.id

    def with_capabilities(self, overlap: float, matched: tuple[str, ...]) -> ScoredEntity:
        """The same entity with its capability overlap filled in (the score is left as it was)."""
        return replace(self, components={**self.components, "capability": overlap}, matched=matched)
