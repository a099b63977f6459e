"""Digests use the site's ranking to decide who hears about a problem."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from matcher.models import Problem, Researcher
from matcher.services import digests
from matcher.services.matching import match


def test_only_researchers_the_matcher_ranks_get_the_item(runtime, store, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(timezone.utc)
    text = "Porosity in laser welding of aluminium battery housings. Keyhole porosity in the weld seam."
    with runtime.db.session() as session:
        session.add(Problem(id="problem:gate", title="Porous laser welds", text=text, visibility="public",
                            created_at=now - timedelta(hours=1)))
        session.execute(update(Researcher).values(digest_frequency="weekly"))
    monkeypatch.setattr(digests, "TOP_RESEARCHERS_PER_ITEM", 1)
    best = match(runtime, f"Porous laser welds. {text}", kinds=["researcher"], limit=1).matches[0].entity_id
    welders = [*store.welders_lab, store.lone_welder]
    run = digests.ItemAnalyses(runtime)  # one run: the item is ranked once for every researcher
    receiving = [r for r in welders
                 if (d := digests.build_digest(runtime, r, now - timedelta(days=7), until=now, analyses=run))
                 is not None and any(item.id == "problem:gate" for item in d.items)]
    assert receiving == [best]


def test_a_run_ranks_each_item_once_for_all_researchers(runtime, store, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from matcher.services import matching

    now = datetime.now(timezone.utc)
    text = "Porosity in laser welding of aluminium battery housings. Keyhole porosity in the weld seam."
    with runtime.db.session() as session:
        session.add(Problem(id="problem:gate", title="Porous laser welds", text=text, visibility="public",
                            created_at=now - timedelta(hours=1)))
    calls: list[str] = []

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[1])
        return match(*args, **kwargs)

    monkeypatch.setattr(matching, "match", counted)
    monkeypatch.setattr(digests, "TOP_RESEARCHERS_PER_ITEM", 1)
    welders = [*store.welders_lab, store.lone_welder]
    run = digests.ItemAnalyses(runtime)
    first = {r for r in welders
             if (d := digests.build_digest(runtime, r, now - timedelta(days=7), until=now, analyses=run)) is not None}
    assert len(calls) == 1 and len(first) == 1  # one ranking of the item for all researchers
