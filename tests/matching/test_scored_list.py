"""A ScoredList builds its entities when read: its views (kinds, diversified pages) must hold what the same
steps over a plain list of ScoredEntity hold, in the same order, and build only what they read."""
from __future__ import annotations

import random

from matcher.ranking.page import diversify
from matcher.ranking.scored import ScoredEntity, ScoredList, of_kinds
from matcher.types import EntityCard

KINDS = ("researcher", "lab", "equipment", "project")


def test_views_of_a_scored_list_are_those_of_the_plain_list() -> None:
    rng = random.Random(5)
    for _ in range(200):
        size = rng.randint(0, 60)
        cards = [EntityCard(f"{rng.choice(KINDS)}:{i}", "", f"E{i}", None, None, rng.choice("abc")) for i in range(size)]
        cards = [EntityCard(c.id, c.id.split(":")[0], c.name, None, None, c.group) for c in cards]
        order = rng.sample(range(size), size)
        made: list[int] = []

        def make(row: int) -> ScoredEntity:
            made.append(row)
            return ScoredEntity.of(float(-row), cards[row], {}, (), ())

        lazy = ScoredList(order, [c.kind for c in cards], make)
        plain = [ScoredEntity.of(float(-row), cards[row], {}, (), ()) for row in order]
        wanted = set(rng.sample(KINDS, rng.randint(1, 3)))
        lazy_members, plain_members = of_kinds(lazy, wanted), of_kinds(plain, wanted)
        assert not made  # choosing kinds builds nothing
        per_page, needed = rng.randint(1, 5), rng.randint(0, 12)
        got = diversify(lazy_members, 2, per_page, needed)
        want = diversify(plain_members, 2, per_page, needed)
        assert len(got) == len(want) == len(plain_members)
        assert [item.id for item in got[:needed]] == [item.id for item in want[:needed]]
        assert [(item.score, item.id) for item in got] == [(item.score, item.id) for item in want]
        assert len(made) == len(set(made)) == len(plain_members)  # each built once, views sharing them
