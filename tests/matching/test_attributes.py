"""The candidates' attributes kept in memory read as SQL does, and are read again once the data changed."""
from __future__ import annotations

from sqlalchemy import select, update

from matcher.models import Document, DocumentEntity, Organization, Researcher
from matcher.repositories.cards import document_links, document_years, entity_cards
from matcher.services import merging
from matcher.services.matching import match, prepare

PROBLEM = "porosity in laser-welded aluminium battery trays"


def _ids(runtime):  # type: ignore[no-untyped-def]
    with runtime.db.session() as session:
        docs = list(session.scalars(select(Document.id)))
        entities = list(session.scalars(select(DocumentEntity.entity_id).distinct()))
    return docs, entities


def test_kept_attributes_are_what_sql_reads_in_the_same_order(runtime, store) -> None:  # type: ignore[no-untyped-def]
    docs, entities = _ids(runtime)
    asked = [*reversed(docs), "document:missing", "equipment:e1"]
    with runtime.db.session() as session:
        for prefilled in (False, True):
            if prefilled:
                runtime.data_changed()
                runtime.attributes.prefill(session)
            attributes = runtime.attributes
            assert list(attributes.links(session, asked).items()) == list(document_links(session, asked).items())
            assert attributes.years(session, asked) == document_years(session, asked)
            assert attributes.cards(session, [*entities, "researcher:missing"]) == entity_cards(session, entities)


def test_a_change_is_seen_once_the_data_generation_moves(runtime, store) -> None:  # type: ignore[no-untyped-def]
    with runtime.db.session() as session:
        assert runtime.attributes.cards(session, [store.lone_welder])[store.lone_welder].recency_half_life is None
        session.execute(update(Researcher).where(Researcher.id == store.lone_welder).values(recency_half_life=3.0))
    with runtime.db.session() as session:  # kept until a writer says the data changed
        assert runtime.attributes.cards(session, [store.lone_welder])[store.lone_welder].recency_half_life is None
    runtime.data_changed()
    with runtime.db.session() as session:
        assert runtime.attributes.cards(session, [store.lone_welder])[store.lone_welder].recency_half_life == 3.0


def test_an_administrators_edit_ranks_at_once(runtime, store) -> None:  # type: ignore[no-untyped-def]
    prepare(runtime)  # everything read, as a worker does at warm-up
    assert [m.entity_id for m in match(runtime, PROBLEM, kinds=["researcher"], regions=["TX"]).matches] \
        == [store.lone_welder]
    with runtime.db.session() as session:
        org_id = session.scalar(select(Researcher.organization_id).where(Researcher.id == store.lone_welder))
        assert session.get(Organization, org_id) is not None
    merging.edit(runtime, "organization", org_id, None, {"region": "CA"})
    assert match(runtime, PROBLEM, kinds=["researcher"], regions=["TX"]).matches == ()
    assert [m.entity_id for m in match(runtime, PROBLEM, kinds=["researcher"], regions=["CA"]).matches] \
        == [store.lone_welder]


def test_a_worker_keeps_a_bounded_number_of_ids(runtime, store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matcher.attributes import CandidateAttributes

    docs, entities = _ids(runtime)
    attributes = CandidateAttributes(tmp_path, max_kept=len(docs) + 1)
    with runtime.db.session() as session:
        attributes.years(session, docs)
        kept = attributes._current()
        attributes.links(session, docs)  # now above the bound: the next look-up starts over
        assert attributes._current() is not kept and attributes._current().size() == 0
        assert attributes.links(session, docs) == document_links(session, docs)


def test_kept_texts_and_capabilities_are_what_sql_reads(runtime, store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matcher.attributes import CandidateAttributes
    from matcher.repositories.cards import capabilities_of, document_texts

    docs, _ = _ids(runtime)
    asked = [*reversed(docs), "document:missing", "equipment:missing"]
    attributes = CandidateAttributes(tmp_path, max_texts=len(docs) + 1)
    with runtime.db.session() as session:
        for _ in range(2):  # read from SQL, then from memory
            assert attributes.texts(session, asked) == document_texts(session, asked)
            caps = capabilities_of(session, asked)
            assert caps
            assert attributes.capabilities(session, asked) == {h: c for h, c in caps.items() if c}
        attributes.texts(session, ["document:another", "document:more"])  # above the bound: texts start over
        assert len(attributes._current().texts) == 2


def test_a_shown_text_is_read_again_once_the_data_generation_moves(runtime, store) -> None:  # type: ignore[no-untyped-def]
    docs, _ = _ids(runtime)
    with runtime.db.session() as session:
        before = runtime.attributes.texts(session, docs[:1])[docs[0]]
        session.execute(update(Document).where(Document.id == docs[0]).values(title="A corrected title"))
    with runtime.db.session() as session:
        assert runtime.attributes.texts(session, docs[:1])[docs[0]] == before  # kept until a writer says so
    runtime.data_changed()
    with runtime.db.session() as session:
        assert runtime.attributes.texts(session, docs[:1])[docs[0]].title == "A corrected title"


def test_warm_up_reads_every_text_when_they_all_fit(runtime, store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matcher.attributes import CandidateAttributes

    docs, _ = _ids(runtime)
    with runtime.db.session() as session:
        fits = CandidateAttributes(tmp_path, max_texts=len(docs) + 50)
        fits.prefill(session)
        assert set(docs) <= set(fits._current().texts) and fits._current().capabilities
        too_many = CandidateAttributes(tmp_path, max_texts=len(docs) - 1)
        too_many.prefill(session)
        assert not too_many._current().texts and not too_many._current().capabilities
