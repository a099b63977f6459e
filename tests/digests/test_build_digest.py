"""build_digest: what is new and fits the researcher, with why; never private; researcher settings honoured."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from matcher.models import DocumentEntity, Researcher
from matcher.services.digest_sending import period_key
from matcher.services.digests import build_digest
from tests.factories.digests import LAST_DIGEST, NOW, seed_world


def _ids(digest: Any) -> list[str]:
    return [i.id for i in digest.items] if digest else []


def test_new_public_and_anonymous_problems_with_reasons(runtime: Any) -> None:
    w = seed_world(runtime)
    digest = build_digest(runtime, w.ada, LAST_DIGEST, until=NOW)
    assert digest is not None
    assert set(_ids(digest)) == {"problem:public", "problem:anon"}
    public = next(i for i in digest.items if i.id == "problem:public")
    assert public.organization == "Acme Secret Metalworks"
    assert [r.label for r in public.reasons] == ["Laser welding"]
    assert public.reasons[0].evidence[0].sentence == "We developed laser welding of thin aluminium sheets."
    assert "laser welding" in public.reasons[0].item_sentence.lower()
    anon = next(i for i in digest.items if i.id == "problem:anon")
    assert anon.organization is None  # the firm of an anonymous problem is never named


def test_private_old_and_unrelated_problems_never_appear(runtime: Any) -> None:
    w = seed_world(runtime)
    digest = build_digest(runtime, w.ada, NOW - timedelta(days=365), until=NOW)
    assert "problem:private" not in _ids(digest)
    assert "problem:unrelated" not in _ids(digest)
    assert "problem:old" in _ids(digest)  # within a year
    assert "problem:old" not in _ids(build_digest(runtime, w.ada, LAST_DIGEST, until=NOW))


def test_institute_projects_are_included(runtime: Any) -> None:
    w = seed_world(runtime)
    digest = build_digest(runtime, w.grace, LAST_DIGEST, until=NOW)
    assert _ids(digest) == ["project:ml"]
    assert digest is not None and digest.items[0].organization == "Fraunhofer Demo Institute"
    assert digest.items[0].title.startswith("SMARTWELD")


def test_nothing_new_is_none(runtime: Any) -> None:
    w = seed_world(runtime)
    assert build_digest(runtime, w.idle, LAST_DIGEST, until=NOW) is None
    assert build_digest(runtime, w.ada, NOW, until=NOW) is None


def test_removed_capability_and_excluded_publication_do_not_count(runtime: Any) -> None:
    w = seed_world(runtime)
    with runtime.db.session() as s:
        s.execute(update(Researcher).where(Researcher.id == w.ada).values(removed_capabilities=["core:laser-welding"]))
    assert _ids(build_digest(runtime, w.ada, LAST_DIGEST, until=NOW)) == ["problem:anon"]
    with runtime.db.session() as s:
        s.execute(update(Researcher).where(Researcher.id == w.ada).values(removed_capabilities=[]))
        s.execute(update(DocumentEntity).where(DocumentEntity.document_id == "publication:ada-1")
                  .values(excluded=True))
    assert _ids(build_digest(runtime, w.ada, LAST_DIGEST, until=NOW)) == ["problem:public"]


def test_added_capability_counts(runtime: Any) -> None:
    w = seed_world(runtime)
    with runtime.db.session() as s:
        s.execute(update(Researcher).where(Researcher.id == w.idle)
                  .values(added_capabilities=["core:machine-learning"]))
    digest = build_digest(runtime, w.idle, LAST_DIGEST, until=NOW)
    assert _ids(digest) == ["project:ml"]
    assert digest is not None and digest.items[0].reasons[0].evidence[0].source == "added by you"


def test_regions_of_interest_filter_items_with_a_region(runtime: Any) -> None:
    w = seed_world(runtime)
    with runtime.db.session() as s:
        s.execute(update(Researcher).where(Researcher.id == w.grace).values(regions_of_interest=["Saxony"]))
    assert build_digest(runtime, w.grace, LAST_DIGEST, until=NOW) is None
    with runtime.db.session() as s:
        s.execute(update(Researcher).where(Researcher.id == w.grace).values(regions_of_interest=["bavaria"]))
    assert _ids(build_digest(runtime, w.grace, LAST_DIGEST, until=NOW)) == ["project:ml"]


def test_recency_half_life_fades_old_work(runtime: Any) -> None:
    w = seed_world(runtime)
    with runtime.db.session() as s:  # ada's corrosion paper is two years old, the welding one a year
        s.execute(update(Researcher).where(Researcher.id == w.ada).values(recency_half_life=0.5))
    assert build_digest(runtime, w.ada, LAST_DIGEST, until=NOW) is None
    with runtime.db.session() as s:
        s.execute(update(Researcher).where(Researcher.id == w.ada).values(recency_half_life=20))
    assert set(_ids(build_digest(runtime, w.ada, LAST_DIGEST, until=NOW))) == {"problem:public", "problem:anon"}


def test_period_keys() -> None:
    from datetime import datetime, timezone

    at = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
    assert period_key("weekly", at) == "weekly:2026-W48"
    assert period_key("monthly", at) == "monthly:2026-11"
    assert period_key("weekly", datetime(2027, 1, 1, tzinfo=timezone.utc)) == "weekly:2026-W53"


def test_has_digest_answers_as_build_digest_does(runtime: Any) -> None:
    """The demo seeding's early-stopping check must agree with the full digest for every kind of researcher."""
    from matcher.services.digests import ItemAnalyses, has_digest

    w = seed_world(runtime)
    analyses = ItemAnalyses(runtime)
    for researcher in (w.ada, w.grace, w.idle, w.offline, "researcher:nobody"):
        for since in (LAST_DIGEST, NOW - timedelta(days=365), NOW):
            full = build_digest(runtime, researcher, since, until=NOW, analyses=analyses)
            assert has_digest(runtime, researcher, since, until=NOW, analyses=analyses) == (full is not None), \
                (researcher, since)
    assert has_digest(runtime, w.ada, LAST_DIGEST, until=NOW)  # the world has a digest to find
