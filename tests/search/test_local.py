"""Local (tantivy) specifics: multi-process visibility, the writer lock, schema versions, analysis."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from matcher.search import BACKENDS, BackendUnavailable, RebuildRequired, SearchBackend, create_backend
from matcher.search.local import SCHEMA_VERSION, LocalBackend, SplitLocalBackend, analyse, query_terms
from matcher.search.local.backend import VERSION_FILE
from matcher.types import ENTITY_PROFILE_KIND, Filter, SearchDocument

ROOT = Path(__file__).resolve().parents[2]


def doc(doc_id: str, title: str, text: str = "") -> SearchDocument:
    return SearchDocument(id=doc_id, kind="publication", title=title, text=text)


def test_two_instances_on_one_directory_see_each_others_commits(tmp_path: Path) -> None:
    writer, reader = LocalBackend(tmp_path), LocalBackend(tmp_path)
    assert reader.search("ultrasonic") == []  # reader opened before the write
    writer.upsert([doc("a", "Ultrasonic testing")])
    assert [h.id for h in reader.search("ultrasonic")] == ["a"]
    reader.upsert([doc("b", "Ultrasonic welding")])  # any instance may write, one at a time
    assert {h.id for h in writer.search("ultrasonic")} == {"a", "b"}
    writer.delete(["a"])
    assert [h.id for h in reader.search("ultrasonic")] == ["b"]


def test_another_process_commit_is_visible(tmp_path: Path) -> None:
    reader = LocalBackend(tmp_path)
    assert reader.count() == 0
    script = textwrap.dedent(
        f"""
        from matcher.search.local import LocalBackend
        from matcher.types import SearchDocument
        LocalBackend({str(tmp_path)!r}).upsert([SearchDocument(id="p", kind="award", title="Cold spray", text="")])
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60)
    assert [h.id for h in reader.search("spray")] == ["p"]


def test_writer_waits_for_the_lock_then_gives_up_loudly(tmp_path: Path) -> None:
    holder = LocalBackend(tmp_path)
    held = holder._open().writer(heap_size=15_000_000, num_threads=1)  # another writer holds the lock
    impatient = LocalBackend(tmp_path, writer_timeout=0.3)
    with pytest.raises(BackendUnavailable, match="locked by another writer"):
        impatient.upsert([doc("a", "Plasma")])

    patient = LocalBackend(tmp_path, writer_timeout=10)
    releaser = threading.Timer(0.3, held.wait_merging_threads)  # releases the lock
    releaser.start()
    patient.upsert([doc("a", "Plasma")])
    releaser.join()
    assert patient.count() == 1


def test_schema_version_is_persisted_as_json(tmp_path: Path) -> None:
    LocalBackend(tmp_path).health()
    payload = json.loads((tmp_path / VERSION_FILE).read_text(encoding="utf-8"))
    assert payload["schema_version"] == SCHEMA_VERSION


def test_version_mismatch_requires_rebuild_and_rebuild_cures_it(tmp_path: Path) -> None:
    LocalBackend(tmp_path).upsert([doc("old", "Old")])
    version_file = tmp_path / VERSION_FILE
    version_file.write_text(json.dumps({"schema_version": SCHEMA_VERSION - 1}), encoding="utf-8")
    stale = LocalBackend(tmp_path)
    with pytest.raises(RebuildRequired, match="rebuild"):
        stale.health()
    with pytest.raises(RebuildRequired):
        stale.search("old")
    assert stale.rebuild([doc("new", "New laser cladding")]) == 1
    fresh = LocalBackend(tmp_path)
    assert fresh.count() == 1
    assert [h.id for h in fresh.search("cladding")] == ["new"]
    assert json.loads(version_file.read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION


def test_corrupt_index_is_an_error_not_an_empty_result(tmp_path: Path) -> None:
    LocalBackend(tmp_path).upsert([doc("a", "Anodising")])
    (tmp_path / "meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BackendUnavailable):
        LocalBackend(tmp_path).search("anodising")


def test_unwritable_index_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(BackendUnavailable, match="cannot open the search index"):
        LocalBackend(blocker / "index").health()


def test_rebuild_is_one_commit_for_readers(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    backend.upsert([doc("a", "Anodising"), doc("b", "Brazing")])
    assert backend.rebuild(doc(f"n{i}", f"Nitriding {i}") for i in range(50)) == 50
    assert backend.count() == 50
    assert backend.search("anodising") == []


def test_query_analysis_mirrors_the_index_tokenizer(tmp_path: Path) -> None:
    words = "Welding welded WELDS Machining machined naïve Café Straße O'Neil x-ray 3D-printing"
    backend = LocalBackend(tmp_path)
    backend.upsert([doc("a", words)])
    searcher = backend._searcher()
    for term in analyse(words):
        assert searcher.doc_freq("title", term) == 1, term
    assert query_terms("Welding welded, WELDS!") == ["weld"]


def test_query_terms_are_capped(tmp_path: Path) -> None:
    assert len(query_terms(" ".join(f"w{i}" for i in range(1000)))) == 256


def test_vector_is_ignored_locally(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    backend.upsert([doc("a", "Grinding")])
    assert backend.search("grinding", vector=[0.1] * 384) == backend.search("grinding")


def test_document_without_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="id"):
        LocalBackend(tmp_path).upsert([doc("", "x")])


def test_huge_top_k_is_clamped(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    backend.upsert([doc("a", "Honing")])
    assert len(backend.search("honing", Filter(), top_k=10**12)) == 1


# ------------------------------------------------------------------- factory
def test_registry_is_a_dict_of_backends() -> None:
    assert set(BACKENDS) == {"local", "elasticsearch"}


def test_factory_builds_local_backend(tmp_path: Path) -> None:
    backend = create_backend("local", {"INDEX_DIR": str(tmp_path)})
    assert isinstance(backend, SplitLocalBackend)
    assert isinstance(backend, SearchBackend)


@pytest.mark.parametrize(
    ("name", "settings", "message"),
    [
        ("solr", {}, "unknown SEARCH_BACKEND 'solr'"),
        ("", {}, "unknown SEARCH_BACKEND"),
        ("local", {}, "INDEX_DIR"),
        ("elasticsearch", {"ELASTICSEARCH_URL": None}, "ELASTICSEARCH_URL"),
    ],
)
def test_factory_fails_loudly_on_bad_configuration(name: str, settings: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message):
        create_backend(name, settings)


def test_factory_check_raises_for_unreachable_elasticsearch() -> None:
    with pytest.raises(BackendUnavailable, match="127.0.0.1:9"):
        create_backend(
            "elasticsearch", {"ELASTICSEARCH_URL": "http://127.0.0.1:9", "ELASTICSEARCH_TIMEOUT": 1}, check=True
        )


def test_creating_elasticsearch_backend_opens_no_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("network I/O while constructing the backend")

    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    backend = create_backend("elasticsearch", {"ELASTICSEARCH_URL": "http://127.0.0.1:9", "ELASTICSEARCH_TIMEOUT": 1})
    assert backend.documents._client is None and backend.profiles._client is None  # type: ignore[attr-defined]
    monkeypatch.undo()
    with pytest.raises(BackendUnavailable, match="unreachable while checking cluster health"):
        backend.health()
    with pytest.raises(BackendUnavailable, match="unreachable while searching"):
        backend.search("welding")
    backend.close()


def test_query_terms_drop_stop_words_unless_nothing_else_is_left() -> None:
    from matcher.search.local.analysis import query_terms

    assert query_terms("porosity in the laser welds") == ["poros", "laser", "weld"]
    assert query_terms("the of in") != []


def test_rebuild_heap_comes_from_settings(tmp_path: Path) -> None:
    from matcher.search.local import from_settings

    backend = from_settings({"INDEX_DIR": str(tmp_path / "i"), "INDEX_REBUILD_HEAP": "200000000"})
    assert backend.rebuild_heap == 200_000_000
    assert from_settings({"INDEX_DIR": str(tmp_path / "j")}).rebuild_heap == 1_000_000_000


def test_profiles_live_in_their_own_index_with_their_own_statistics(tmp_path: Path) -> None:
    """BM25 of a profile must not depend on how many short documents share the index."""
    profile = SearchDocument(id="profile:org-1", kind=ENTITY_PROFILE_KIND, title="", text="laser welding of aluminium trays",
                             entity_ids=("org-1",), entity_kinds=("organization",))
    docs = [SearchDocument(id=f"d{i}", kind="publication", title="laser", text="laser") for i in range(20)]
    only = SplitLocalBackend(tmp_path / "a")
    only.rebuild([profile])
    crowded = SplitLocalBackend(tmp_path / "b")
    crowded.rebuild([*docs, profile])
    profiles = Filter(kinds=(ENTITY_PROFILE_KIND,))
    assert only.search("laser welding", profiles)[0].score == pytest.approx(crowded.search("laser welding", profiles)[0].score)
    assert (tmp_path / "b" / "profiles").is_dir() and crowded.profiles.count(Filter(visibilities=None)) == 1
    assert crowded.count(Filter(visibilities=None)) == 21
    assert ids_of(crowded.search("laser", Filter())) >= {"d0", "profile:org-1"}  # no kind filter: both, merged
    crowded.delete(["profile:org-1", "d0"])
    assert crowded.count(Filter(visibilities=None)) == 19


def ids_of(hits: list) -> set[str]:  # type: ignore[type-arg]
    return {h.id for h in hits}


def _alloy_corpus() -> list[SearchDocument]:
    """Six texts share only "alloy"; one also holds six distinctive words."""
    common = [SearchDocument(id=f"c{i}", kind="publication", title="", text=f"alloy sample {i}") for i in range(6)]
    rare = SearchDocument(id="r", kind="publication", title="",
                          text="alloy porosity keyhole spatter shielding humping undercut")
    filler = [SearchDocument(id=f"f{i}", kind="publication", title="", text="ceramic kiln") for i in range(3)]
    return [*common, rare, *filler]


def test_long_queries_leave_out_common_terms_when_enough_distinctive_ones_remain(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path, common_term_fraction=0.5)
    backend.rebuild(_alloy_corpus())
    problem = "alloy porosity keyhole spatter shielding humping"
    assert ids_of(backend.search(problem)) == {"r"}  # "alloy" is in 7 of 10 texts
    plain = LocalBackend(tmp_path / "plain")
    plain.rebuild(_alloy_corpus())
    assert ids_of(plain.search(problem)) == {"r", *(f"c{i}" for i in range(6))}


def test_short_queries_keep_their_common_terms(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path, common_term_fraction=0.5)
    backend.rebuild(_alloy_corpus())
    assert ids_of(backend.search("alloy porosity")) == {"r", *(f"c{i}" for i in range(6))}
    assert ids_of(backend.search("alloy zeppelin")) >= {"c0"}  # a word found nowhere is not distinctive


def test_a_long_query_keeps_only_its_rarest_terms(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path, max_query_terms=2)
    backend.rebuild(_alloy_corpus())
    # "keyhole" and "spatter" are held by one text each, "alloy" by seven, "kiln" by three.
    assert ids_of(backend.search("alloy kiln keyhole spatter")) == {"r"}
    assert ids_of(backend.search("alloy kiln")) == {"r", "f0", "f1", "f2", *(f"c{i}" for i in range(6))}
    plain = LocalBackend(tmp_path / "plain")
    plain.rebuild(_alloy_corpus())
    assert "f0" in ids_of(plain.search("alloy kiln keyhole spatter"))


def test_the_rarest_terms_skip_words_found_nowhere(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path, max_query_terms=1)
    backend.rebuild(_alloy_corpus())
    assert ids_of(backend.search("zeppelin keyhole")) == {"r"}  # not "zeppelin", held by no text


def test_equal_scores_at_the_cut_are_decided_by_id_whatever_the_index_order(tmp_path: Path) -> None:
    twins = [SearchDocument(id=f"d{i:02d}", kind="publication", title="", text="laser welding of trays")
             for i in range(30)]
    forward, backward = LocalBackend(tmp_path / "f"), LocalBackend(tmp_path / "b")
    forward.rebuild(twins)
    backward.rebuild(list(reversed(twins)))
    expected = ["d00", "d01", "d02", "d03", "d04"]
    assert [h.id for h in forward.search("laser welding", top_k=5)] == expected
    assert [h.id for h in backward.search("laser welding", top_k=5)] == expected


def test_documents_index_has_no_bigrams_profiles_do(tmp_path: Path) -> None:
    backend = SplitLocalBackend(tmp_path)
    near = SearchDocument(id="near", kind="publication", title="", text="laser welding of trays")
    apart = SearchDocument(id="apart", kind="publication", title="", text="welding of laser trays")
    profiles = [SearchDocument(id=f"profile:{d.id}", kind=ENTITY_PROFILE_KIND, title="", text=d.text,
                               entity_ids=(d.id,), entity_kinds=("organization",)) for d in (near, apart)]
    backend.rebuild([near, apart, *profiles])
    docs = {h.id: h.score for h in backend.search("laser welding", Filter(kinds=("publication",)))}
    assert docs["near"] == pytest.approx(docs["apart"])
    found = backend.search("laser welding", Filter(kinds=(ENTITY_PROFILE_KIND,)))
    assert found[0].id == "profile:near" and found[0].score > found[1].score


def test_hits_read_their_stored_fields_once_per_searcher_and_a_commit_reads_them_again(tmp_path: Path) -> None:
    import tantivy

    from matcher.search.local.queries import Snapshot

    backend = LocalBackend(tmp_path)
    backend.upsert([SearchDocument(id="d1", kind="award", title="Laser cladding", text="", entity_ids=("researcher:a",),
                                   year=2020)])
    first = backend.search("laser")
    snapshot = backend._current()
    assert first == backend.search("laser") and snapshot._fields  # kept, and the same hits from them
    backend.upsert([SearchDocument(id="d1", kind="award", title="Laser cladding", text="",
                                   entity_ids=("researcher:b",), year=2021)])
    again = backend.search("laser")
    assert backend._current() is not snapshot
    assert [(h.id, h.entity_ids, h.year) for h in again] == [("d1", ("researcher:b",), 2021)]
    capped = Snapshot(backend._current().searcher, max_kept_fields=0)
    address = capped.searcher.search(tantivy.Query.all_query(), 1).hits[0][1]
    assert capped.fields(address)[0] == "d1" and not capped._fields  # read, not kept past the cap


def test_prefill_keeps_every_documents_stored_fields_as_searches_read_them(tmp_path: Path) -> None:
    """A worker's warm-up reads every hit's stored fields at once when they all fit: the searches then find
    them kept, with exactly what reading them hit by hit gives; too many to keep, nothing is read."""
    import tantivy

    from matcher.search.local.queries import Snapshot

    docs = [SearchDocument(id=f"d{i}", kind="award", title=f"Laser cladding {i}", text="welding",
                           entity_ids=(f"researcher:{i}", "lab:x"), year=2000 + i) for i in range(5)]
    backend = LocalBackend(tmp_path)
    backend.upsert(docs)
    lazily = backend.search("laser welding")
    searcher = backend._current().searcher
    read_one_by_one = Snapshot(searcher)
    for hit in searcher.search(tantivy.Query.all_query(), 10).hits:
        read_one_by_one.fields(hit[1])
    prefilled = Snapshot(searcher)
    assert prefilled.prefill() == 5
    assert prefilled._fields == read_one_by_one._fields
    assert Snapshot(searcher, max_kept_fields=4).prefill() == 0  # not all fit: left to the searches
    fresh = LocalBackend(tmp_path)
    assert fresh.prefill_fields() == 5
    assert fresh.search("laser welding") == lazily
    split = SplitLocalBackend(tmp_path / "split")
    split.upsert([*docs, SearchDocument(id="profile:researcher:0", kind=ENTITY_PROFILE_KIND, title="", text="laser",
                                        entity_ids=("researcher:0",), entity_kinds=("researcher",))])
    assert split.prefill_fields() == 6  # both sides


def test_name_matches_find_the_same_profiles_as_a_term_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text's phrases are looked up as single terms (a term set only past MAX_NAME_TERMS): the same names
    match as with a term set, each scored 1.0, ties by id (the contract checks exactness and filters)."""
    import matcher.search.local.backend as local_backend

    backend = LocalBackend(tmp_path)
    backend.upsert([SearchDocument(id=f"profile:org-{i}", kind=ENTITY_PROFILE_KIND, title="", text="coatings",
                                   entity_ids=(f"org-{i}",), entity_kinds=("organization",),
                                   names=(f"acme {i % 3}", "shared name")) for i in range(7)])
    few = ["acme 1", "no such firm", "shared name"]
    many = few + [f"filler phrase {n}" for n in range(20)]
    found = backend.name_matches(few, top_k=5)
    assert [(h.id, h.score) for h in found] == [(f"profile:org-{i}", 1.0) for i in range(5)]
    assert backend.name_matches(many, top_k=5) == found
    single = [h.id for h in backend.name_matches(["acme 1"])]
    assert single == ["profile:org-1", "profile:org-4"]
    monkeypatch.setattr(local_backend, "MAX_NAME_TERMS", 2)  # the term set
    assert backend.name_matches(few, top_k=5) == found
    assert backend.name_matches(many, top_k=5) == found
    assert [h.id for h in backend.name_matches(["acme 1", *many[3:]])] == single
