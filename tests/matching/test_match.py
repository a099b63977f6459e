"""match() end to end on a store built by the real importer."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import update

from matcher.models import DocumentEntity, Researcher
from matcher.indexing import index_entities, rebuild_index
from matcher.services.matching import match, match_groups

PROBLEM = "porosity in laser-welded aluminium battery trays"


def test_the_right_researchers_come_first_with_evidence(runtime, store) -> None:  # type: ignore[no-untyped-def]
    result = match(runtime, PROBLEM, kinds=["researcher"], limit=10)
    ids = [m.entity_id for m in result.matches]
    welders = set(store.welders_lab) | {store.lone_welder}
    assert ids and ids[0] in welders
    assert store.coater not in ids[:7] and store.machinist not in ids[:7]
    top = result.matches[0]
    assert top.evidence, "a match must carry the sentences that made it"
    evidence = top.evidence[0]
    marked = [evidence.text[a:b].lower() for a, b in evidence.highlights]
    assert any(word.startswith(("poros", "laser", "weld", "alumin")) for word in marked)
    assert {"profile", "lexical", "capability", "region"} <= set(top.components)
    assert result.capabilities, "the problem's capabilities are reported"


def test_one_lab_does_not_fill_the_first_page(runtime, store) -> None:  # type: ignore[no-untyped-def]
    ids = [m.entity_id for m in match(runtime, PROBLEM, kinds=["researcher"], limit=10).matches]
    big_lab_positions = [i for i, e in enumerate(ids) if e in store.welders_lab]
    # At most two of the big group before the other relevant group gets its turn.
    assert ids.index(store.lone_welder) < big_lab_positions[2]
    # who fits best, as a digest asks, is the score order: no page arrangement
    ranked = match(runtime, PROBLEM, kinds=["researcher"], limit=10, arranged=False, explain_page=False).matches
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)
    assert sorted(m.entity_id for m in ranked) == sorted(ids)


def test_kind_and_region_filters(runtime, store) -> None:  # type: ignore[no-untyped-def]
    labs = match(runtime, PROBLEM, kinds=["lab"])
    assert labs.matches and {m.entity_kind for m in labs.matches} == {"lab"}
    texas = match(runtime, PROBLEM, kinds=["researcher"], regions=["TX"])
    assert [m.entity_id for m in texas.matches] == [store.lone_welder]


def test_groups_rank_once_and_split_by_kind(runtime, store) -> None:  # type: ignore[no-untyped-def]
    groups = match_groups(runtime, PROBLEM, {"people": ("researcher",), "labs": ("lab",)}, per_group=2)
    assert {m.entity_kind for m in groups["people"].matches} == {"researcher"}
    assert {m.entity_kind for m in groups["labs"].matches} == {"lab"}
    assert groups["people"].total >= len(groups["people"].matches) == 2


def test_an_excluded_publication_no_longer_counts(runtime, store) -> None:  # type: ignore[no-untyped-def]
    assert store.lone_welder in [m.entity_id for m in match(runtime, PROBLEM, kinds=["researcher"]).matches]
    with runtime.db.session() as session:
        session.execute(update(DocumentEntity).where(DocumentEntity.entity_id == store.lone_welder)
                        .values(excluded=True))
    index_entities(runtime, [store.lone_welder])
    ids = [m.entity_id for m in match(runtime, PROBLEM, kinds=["researcher"], limit=50).matches]
    assert store.lone_welder not in ids


def test_removed_capability_is_not_claimed_for_the_researcher(runtime, store) -> None:  # type: ignore[no-untyped-def]
    before = next(m for m in match(runtime, PROBLEM, kinds=["researcher"], limit=50).matches
                  if m.entity_id == store.lone_welder)
    assert before.capabilities
    removed = [c for c in before.capabilities]
    from matcher.capabilities.taxonomy import get_taxonomy

    ids = [c.id for c in get_taxonomy() if c.label in removed]
    with runtime.db.session() as session:
        session.execute(update(Researcher).where(Researcher.id == store.lone_welder)
                        .values(removed_capabilities=ids))
    runtime.data_changed()  # as every writer of an edit does (profiles re-index): pages show the kept cards
    after = next(m for m in match(runtime, PROBLEM, kinds=["researcher"], limit=50).matches
                 if m.entity_id == store.lone_welder)
    assert not set(after.capabilities) & set(removed)
    assert after.components["capability"] == 0.0


def test_without_the_encoder_ranking_is_lexical_and_says_so(runtime, store, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    import matcher.services.matching as matching

    monkey_warned = matching._warned_lexical
    matching._warned_lexical = False
    try:
        with caplog.at_level(logging.WARNING, logger="matcher.services.matching"):
            result = match(runtime, PROBLEM)
    finally:
        matching._warned_lexical = monkey_warned
    assert result.semantic is False and result.matches
    assert "lexical" in caplog.text


def test_rebuild_from_sql_gives_the_same_results(runtime, store) -> None:  # type: ignore[no-untyped-def]
    before = [(m.entity_id, m.score) for m in match(runtime, PROBLEM, limit=20).matches]
    runtime.search.clear()
    assert match(runtime, PROBLEM).matches == ()
    rebuild_index(runtime)
    after = [(m.entity_id, m.score) for m in match(runtime, PROBLEM, limit=20).matches]
    assert after == before


def test_hostile_query_text_is_only_data(runtime, store) -> None:  # type: ignore[no-untyped-def]
    for text in ['title:x OR 1=1 --', '" AND ( ] \\\\', "*", "kind:equipment"]:
        result = match(runtime, text)
        assert result.query == " ".join(text.split())


def test_semantic_path_uses_stored_vectors(app_config, store, runtime) -> None:  # type: ignore[no-untyped-def]
    from matcher.runtime import Runtime

    semantic = Runtime({**app_config, "SEMANTIC_ENABLED": True})
    if semantic.encoder is None:
        pytest.skip("sentence encoder not installed")
    try:
        rebuild_index(semantic)  # encodes the nine documents
        # and their evidence sentences: 8 distinct texts (the lone welder's award repeats W0's)
        assert semantic.sentence_vectors is not None and len(semantic.sentence_vectors) == 8
        result = match(semantic, "keyhole defects when joining light metal battery housings", kinds=["researcher"])
        assert result.semantic is True
        assert result.matches[0].entity_id in set(store.welders_lab) | {store.lone_welder}
        assert "semantic" in result.matches[0].components
        nonsense = match(semantic, "xyzzyqwv plumbus")
        assert nonsense.matches == () and nonsense.total == 0  # no confident match, not the nearest vectors
        meaning_only = match(semantic, "keyhole defects", kinds=["researcher"])
        assert meaning_only.matches  # a word of the text occurs: ranked as usual
    finally:
        semantic.close()


def test_sentence_vectors_are_stored_only_up_to_their_limit(app_config, store) -> None:  # type: ignore[no-untyped-def]
    from matcher.runtime import Runtime

    semantic = Runtime({**app_config, "SEMANTIC_ENABLED": True, "SENTENCE_VECTORS_MAX_DOCS": 8})
    if semantic.encoder is None:
        pytest.skip("sentence encoder not installed")
    try:
        rebuild_index(semantic)  # nine documents: over the limit, so none stored (pages encode as before)
        assert semantic.sentence_vectors is not None and len(semantic.sentence_vectors) == 0
        assert match(semantic, "keyhole defects when joining light metal battery housings").matches
    finally:
        semantic.close()


def test_a_problem_that_names_a_researcher_ranks_them_higher(runtime, store) -> None:  # type: ignore[no-untyped-def]
    problem = f"{PROBLEM} and their coatings"  # Cora's work holds a word of it: she has evidence to show
    plain = match(runtime, problem, kinds=["researcher"], limit=50)
    coater_rank = [m.entity_id for m in plain.matches].index(store.coater) if store.coater in \
        [m.entity_id for m in plain.matches] else len(plain.matches)
    named = match(runtime, f"{problem}; we have worked with Cora Coater before", kinds=["researcher"], limit=50)
    ids = [m.entity_id for m in named.matches]
    assert store.coater in ids and ids.index(store.coater) < coater_rank
    coater = named.matches[ids.index(store.coater)]
    assert coater.components["name"] == 1.0 and coater.evidence
    assert all(m.components["name"] == 0.0 for m in named.matches if m.entity_id != store.coater)


def test_a_named_partner_without_evidence_is_neither_shown_nor_counted(runtime, store) -> None:  # type: ignore[no-untyped-def]
    named = match(runtime, f"{PROBLEM}; we have worked with Cora Coater before", kinds=["researcher"], limit=50)
    assert store.coater not in [m.entity_id for m in named.matches]  # nothing of her work holds the problem's words
    assert named.total == len(named.matches) and all(m.evidence for m in named.matches)


def test_overview_and_its_all_n_page_rank_and_count_the_same(runtime, store) -> None:  # type: ignore[no-untyped-def]
    from matcher.services.matching import match_groups

    groups = {"partners": ("researcher", "lab"), "researchers": ("researcher",)}
    overview = match_groups(runtime, PROBLEM, groups, per_group=3)
    for name, kinds in groups.items():
        page = match(runtime, PROBLEM, kinds=kinds, limit=10)
        shown = overview[name]
        assert shown.total == page.total > 0, name  # "All N" opens N results
        assert [(m.entity_id, m.score) for m in shown.matches] == [(m.entity_id, m.score) for m in page.matches][:3]
    only_researchers = match(runtime, PROBLEM, kinds=["researcher"], limit=50)
    partners = [m for m in match(runtime, PROBLEM, kinds=("researcher", "lab"), limit=50).matches
                if m.entity_kind == "researcher"]
    assert {m.entity_id: m.score for m in only_researchers.matches} == {m.entity_id: m.score for m in partners}
