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
    digests._RANKED.clear()
    monkeypatch.setattr(digests, "TOP_RESEARCHERS_PER_ITEM", 1)
    best = match(runtime, f"Porous laser welds. {text}", kinds=["researcher"], limit=1).matches[0].entity_id
    welders = [*store.welders_lab, store.lone_welder]
    receiving = [r for r in welders
                 if (d := digests.build_digest(runtime, r, now - timedelta(days=7), until=now)) is not None
                 and any(item.id == "problem:gate" for item in d.items)]
    assert receiving == [best]
    digests._RANKED.clear()
