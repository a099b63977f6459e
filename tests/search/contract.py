"""The search backend contract as mixin classes: a backend's test class inherits them and provides `backend`.

A new backend opts in with one class in its own test module (see tests/search/test_contract.py)::

    class TestMyBackend(SearchBackendContract):
        @pytest.fixture
        def backend(self, tmp_path):  # a fresh, empty index for each test
            instance = create_backend("mine", {...})
            yield instance
            instance.close()

A backend that does not (yet) honour a part inherits the mixins it does, e.g. LifecycleContract and
RetrievalContract only, so what it skips is visible in its class line.
"""
from __future__ import annotations

import pytest

from matcher.search import BackendUnavailable, SearchBackend
from matcher.types import Filter, SearchDocument

CORPUS: tuple[SearchDocument, ...] = (
    SearchDocument(
        id="pub-1", kind="publication", title="Laser welding of aluminium alloys",
        text="Keyhole stability in thin sheets studied with high speed imaging.",
        entity_ids=("res-1", "lab-1"), entity_kinds=("researcher", "lab"), capabilities=("cap-welding",),
        region="north", country="FI", year=2019, status="active",
    ),
    SearchDocument(
        id="pub-2", kind="publication", title="Fatigue of joints",
        text="Welded steel joints were tested under cyclic loading.",
        entity_ids=("res-2",), entity_kinds=("researcher",), capabilities=("cap-welding", "cap-fatigue"),
        region="south", country="SE", year=2021, status="active",
    ),
    SearchDocument(
        id="award-1", kind="award", title="Corrosion resistant coatings",
        text="Thermal spray coatings protect offshore structures against corrosion.",
        entity_ids=("org-1",), entity_kinds=("organization",), capabilities=("cap-coatings",),
        region="north", country="NO", year=2015, status="closed",
    ),
    SearchDocument(
        id="equip-1", kind="equipment", title="Robotic welding cell",
        text="Six axis robot with MIG torch available for industrial trials.",
        entity_ids=("lab-1",), entity_kinds=("lab",), capabilities=("cap-welding", "cap-robotics"),
        region="north", country="FI", year=2023, status="active",
    ),
    SearchDocument(
        id="priv-1", kind="publication", title="Confidential welding report",
        text="Internal welding trials for a customer.",
        entity_ids=("res-1",), entity_kinds=("researcher",), capabilities=("cap-welding",),
        region="north", country="FI", year=2022, status="active", visibility="private",
    ),
)

SPECIAL_QUERIES = (
    '"AND OR ( ) : [ ] title:x \\',
    "AND",
    "welding AND",
    "(welding",
    "title:welding",
    "text:[a TO z]",
    "weld* ~2 ^3 +joint -steel",
    '"unclosed phrase',
    "{}<>!?/@#$%&=|;,",
    "ééé ü 中文 \x00 \t\n",
    "x" * 5000,
)


class BackendContract:
    """Base of every part: the subclass's `backend` fixture yields a fresh, empty backend per test."""

    @pytest.fixture
    def loaded(self, backend: SearchBackend) -> SearchBackend:
        backend.upsert(CORPUS)
        return backend


def ids(hits: list) -> set[str]:  # type: ignore[type-arg]
    return {hit.id for hit in hits}


ALL = Filter(visibilities=None)


class LifecycleContract(BackendContract):
    """A backend starts healthy and empty, and its writes replace, stay idempotent, delete and rebuild."""

    def test_health_ok_on_new_index(self, backend: SearchBackend) -> None:
        assert backend.health()["status"] == "ok"
        assert isinstance(backend, SearchBackend)

    def test_empty_index_searches_and_counts_nothing(self, backend: SearchBackend) -> None:
        assert backend.search("welding") == []
        assert backend.count() == 0

    def test_upsert_existing_id_replaces_it(self, loaded: SearchBackend) -> None:
        replacement = SearchDocument(id="award-1", kind="award", title="Hydrogen embrittlement", text="Pipelines.")
        loaded.upsert([replacement])
        assert loaded.count(ALL) == 5
        assert "award-1" not in ids(loaded.search("corrosion"))
        assert ids(loaded.search("embrittlement")) == {"award-1"}

    def test_upsert_twice_is_idempotent(self, loaded: SearchBackend) -> None:
        loaded.upsert(CORPUS)
        assert loaded.count(ALL) == len(CORPUS)

    def test_delete_removes_and_ignores_unknown_ids(self, loaded: SearchBackend) -> None:
        loaded.delete(["pub-2", "no-such-id"])
        assert "pub-2" not in ids(loaded.search("fatigue joints"))
        assert loaded.count(ALL) == 4

    def test_clear_and_rebuild(self, loaded: SearchBackend) -> None:
        loaded.clear()
        assert loaded.count(ALL) == 0
        assert loaded.rebuild(iter(CORPUS[:2])) == 2
        assert loaded.count(ALL) == 2
        assert ids(loaded.search("welding")) == {"pub-1", "pub-2"}

    def test_rebuilding_replaces_the_content_on_a_clean_exit_only(self, loaded: SearchBackend) -> None:
        with pytest.raises(RuntimeError), loaded.rebuilding() as add:
            add(CORPUS[0])
            raise RuntimeError("the pass over SQL failed")
        assert loaded.count(ALL) == len(CORPUS)  # the old content stays
        with loaded.rebuilding() as add:
            add(CORPUS[1])
        assert loaded.count(ALL) == 1 and ids(loaded.search("welding")) == {"pub-2"}

    def test_drop_deletes_the_index_and_a_rebuild_brings_it_back(self, loaded: SearchBackend) -> None:
        loaded.drop()
        try:
            left = loaded.count(ALL)
        except BackendUnavailable:  # a dropped index is refused, never served empty
            left = 0
        assert left == 0
        assert loaded.rebuild(iter(CORPUS[:1])) == 1
        assert ids(loaded.search("welding")) == {"pub-1"}

    def test_says_whether_it_searches_with_the_query_vector(self, backend: SearchBackend) -> None:
        assert isinstance(backend.uses_query_vector, bool)


class IdListingContract(BackendContract):
    """`flask index check` and interrupted imports ask which ids the index holds."""

    def test_present_and_all_ids(self, loaded: SearchBackend) -> None:
        assert loaded.present_ids(["pub-1", "priv-1", "no-such-id"]) == {"pub-1", "priv-1"}
        assert loaded.all_ids() == {d.id for d in CORPUS}


class RetrievalContract(BackendContract):
    """Words are found in titles and texts, in their word forms; hits carry what ranking reads."""

    def test_finds_words_in_title_and_in_text(self, loaded: SearchBackend) -> None:
        assert "award-1" in ids(loaded.search("coatings"))  # title and text
        assert "award-1" in ids(loaded.search("offshore"))  # text only
        assert "pub-2" in ids(loaded.search("fatigue"))  # title only
        assert loaded.search("zeppelin") == []

    def test_stemming_matches_word_forms(self, loaded: SearchBackend) -> None:
        assert {"pub-1", "pub-2", "equip-1"} <= ids(loaded.search("welding"))
        assert "pub-2" in ids(loaded.search("weld"))  # indexed as "Welded"
        assert "pub-1" in ids(loaded.search("welds"))

    def test_hits_carry_their_length_in_words(self, loaded: SearchBackend) -> None:
        hits = {h.id: h for h in loaded.search("welding", ALL)}
        assert hits["pub-2"].length == len("Fatigue of joints Welded steel joints were tested under cyclic loading.".split())

    def test_hits_carry_their_year(self, loaded: SearchBackend) -> None:
        years = {h.id: h.year for h in loaded.search("welding", ALL)}
        expected = {d.id: d.year for d in CORPUS}
        assert years and all(years[i] == expected[i] for i in years)
        assert len(set(years.values())) > 1

    def test_hits_carry_kind_and_entities(self, loaded: SearchBackend) -> None:
        hit = next(h for h in loaded.search("keyhole") if h.id == "pub-1")
        assert hit.kind == "publication"
        assert hit.entity_ids == ("res-1", "lab-1")
        assert hit.score > 0

    def test_top_k_is_respected(self, loaded: SearchBackend) -> None:
        assert len(loaded.search("welding", top_k=2)) == 2
        assert len(loaded.search("welding", top_k=1)) == 1
        assert loaded.search("welding", top_k=0) == []

    def test_scores_descend(self, loaded: SearchBackend) -> None:
        hits = loaded.search("welding joints robot corrosion", filters=ALL)
        assert len(hits) >= 4
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)

    def test_title_counts_more_than_text(self, backend: SearchBackend) -> None:
        backend.upsert([
            SearchDocument(id="t", kind="publication", title="Brazing", text="A study of joining methods."),
            SearchDocument(id="x", kind="publication", title="Joining methods", text="A study of brazing."),
        ])
        assert [h.id for h in backend.search("brazing")] == ["t", "x"]


class FilterContract(BackendContract):
    """The portable Filter narrows every field, and no filter means public documents only."""

    @pytest.mark.parametrize(
        ("flt", "expected"),
        [
            (Filter(kinds=("award", "equipment")), {"award-1", "equip-1"}),
            (Filter(entity_kinds=("lab",)), {"pub-1", "equip-1"}),
            (Filter(entity_ids=("res-1", "org-1")), {"pub-1", "award-1"}),
            (Filter(regions=("south",)), {"pub-2"}),
            (Filter(countries=("FI",)), {"pub-1", "equip-1"}),
            (Filter(capabilities=("cap-fatigue", "cap-coatings")), {"pub-2", "award-1"}),
            (Filter(year_min=2020), {"pub-2", "equip-1"}),
            (Filter(year_max=2019), {"pub-1", "award-1"}),
            (Filter(year_min=2019, year_max=2021), {"pub-1", "pub-2"}),
            (Filter(statuses=("closed",)), {"award-1"}),
            (Filter(), {"pub-1", "pub-2", "award-1", "equip-1"}),
            (Filter(visibilities=("private",)), {"priv-1"}),
            (ALL, {"pub-1", "pub-2", "award-1", "equip-1", "priv-1"}),
            (Filter(exclude_ids=("pub-1", "equip-1")), {"pub-2", "award-1"}),
            (Filter(kinds=()), set()),
            (Filter(kinds=("publication",), regions=("north",), visibilities=None), {"pub-1", "priv-1"}),
        ],
    )
    def test_each_filter_field(self, loaded: SearchBackend, flt: Filter, expected: set[str]) -> None:
        query = "welding welded joints coatings robot keyhole"
        assert ids(loaded.search(query, filters=flt)) == expected
        assert loaded.count(flt) == len(expected)

    def test_no_filter_means_public_only(self, loaded: SearchBackend) -> None:
        assert "priv-1" not in ids(loaded.search("confidential welding report"))
        assert loaded.count() == 4
        assert loaded.count(ALL) == 5


class QuerySafetyContract(BackendContract):
    """User text is only ever words: no query syntax, no errors, nothing for a query without words."""

    @pytest.mark.parametrize("query", SPECIAL_QUERIES)
    def test_special_characters_never_raise_nor_act_as_syntax(self, loaded: SearchBackend, query: str) -> None:
        hits = loaded.search(query)
        assert isinstance(hits, list)
        if "welding" in query:
            assert {"pub-1", "equip-1"} <= ids(hits)  # the words still count as words

    def test_field_syntax_is_plain_text(self, loaded: SearchBackend) -> None:
        # "title:offshore" must not restrict to titles: offshore is only in award-1's text
        assert "award-1" in ids(loaded.search("title:offshore"))

    @pytest.mark.parametrize("query", ["", "   ", "\n\t", "()", ":"])
    def test_query_without_words_returns_nothing(self, loaded: SearchBackend, query: str) -> None:
        assert loaded.search(query) == []


class NameMatchContract(BackendContract):
    """Names are matched as exact keys, under the same filters as a search."""

    def test_name_matches_are_exact_keys_under_filters(self, backend: SearchBackend) -> None:
        named = (
            SearchDocument(id="profile:org-9", kind="profile", title="", text="coatings", entity_ids=("org-9",),
                           entity_kinds=("organization",), names=("acme coatings",)),
            SearchDocument(id="profile:org-8", kind="profile", title="", text="secret", entity_ids=("org-8",),
                           entity_kinds=("organization",), names=("acme",), visibility="private"),
        )
        backend.upsert(CORPUS + named)
        found = backend.name_matches(["acme coatings", "AND (", "title:acme"])
        assert [(h.id, h.entity_ids, h.score) for h in found] == [("profile:org-9", ("org-9",), 1.0)]
        assert backend.name_matches(["acme"]) == []  # private profiles stay hidden by default
        assert ids(backend.name_matches(["acme"], ALL)) == {"profile:org-8"}
        assert backend.name_matches(["acme coatings"], Filter(entity_kinds=("researcher",))) == []
        assert backend.name_matches(["coatings"]) == []  # a word of the text is not a name
        assert backend.name_matches([]) == []


class SearchBackendContract(LifecycleContract, RetrievalContract, FilterContract, QuerySafetyContract,
                            NameMatchContract):
    """Everything the ranking and the services rely on from a search backend."""
