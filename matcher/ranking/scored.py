"""A candidate entity once scored: what the page builder, the digests and learning read of a ranking."""
from __future__ import annotations

from collections.abc import Callable, Collection, ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from dataclasses import dataclass, field, replace
from typing import overload

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


class ScoredList(Sequence[ScoredEntity]):
    """Scored candidates best first, each ScoredEntity built when first read: a search scores a few hundred
    and its pages read a few dozen (each kind's first places), so most are never built.

    `rows` are positions in the scoring's columns, `kinds` each position's entity kind; views of one list
    (of_kinds, take) share its built entities."""

    __slots__ = ("_rows", "_kinds", "_make", "_built")

    def __init__(self, rows: list[int], kinds: Sequence[str], make: Callable[[int], ScoredEntity],
                 built: dict[int, ScoredEntity] | None = None) -> None:
        self._rows = rows
        self._kinds = kinds
        self._make = make
        self._built = {} if built is None else built

    def _entity(self, row: int) -> ScoredEntity:
        item = self._built.get(row)
        if item is None:
            item = self._built[row] = self._make(row)
        return item

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> ScoredEntity: ...

    @overload
    def __getitem__(self, index: slice) -> list[ScoredEntity]: ...

    def __getitem__(self, index: int | slice) -> ScoredEntity | list[ScoredEntity]:
        if isinstance(index, slice):
            return [self._entity(row) for row in self._rows[index]]
        return self._entity(self._rows[index])

    def __iter__(self) -> Iterator[ScoredEntity]:
        return map(self._entity, self._rows)

    def of_kinds(self, wanted: Collection[str]) -> ScoredList:
        """The entities of these kinds, in this list's order (none built by asking)."""
        kinds = self._kinds
        return ScoredList([row for row in self._rows if kinds[row] in wanted], kinds, self._make, self._built)

    def take(self, positions: Sequence[int]) -> ScoredList:
        """This list's entities at `positions`, in that order."""
        rows = self._rows
        return ScoredList([rows[p] for p in positions], self._kinds, self._make, self._built)


def of_kinds(scored: Sequence[ScoredEntity], wanted: Collection[str]) -> Sequence[ScoredEntity]:
    """The entities of these kinds, best first: a ScoredList's view, or the matching items of a plain list."""
    if isinstance(scored, ScoredList):
        return scored.of_kinds(wanted)
    return [item for item in scored if item.card.kind in wanted]
