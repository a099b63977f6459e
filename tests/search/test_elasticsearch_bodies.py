"""Pins every Elasticsearch request body (pure functions), and the calls a reindex makes.

No server here: the alias switch is checked through a recording node plugged into the
official client's transport, which answers with canned responses.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, ClassVar

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node._base import NodeApiResponse  # the (meta, body) pair a node returns
from elasticsearch import Elasticsearch

from matcher.search.elasticsearch import ElasticsearchBackend, from_settings
from matcher.search.elasticsearch.bodies import (
    alias_switch_actions,
    build_count_body,
    build_index_settings,
    build_mappings,
    build_names_body,
    build_search_body,
    bulk_actions,
    delete_actions,
    filter_to_es,
    hits_from_response,
    to_source,
    versioned_index_name,
)
from matcher.search.split import SplitBackend
from matcher.types import ENTITY_PROFILE_KIND, Filter, SearchDocument, profile_id

PUBLIC = [{"terms": {"visibility": ["public"]}}]


def test_mappings_are_explicit() -> None:
    keyword = {"type": "keyword"}
    assert build_mappings() == {
        "dynamic": "strict",
        "_meta": {"schema_version": 5},
        "properties": {
            "id": keyword,
            "kind": keyword,
            "entity_ids": keyword,
            "entity_kinds": keyword,
            "capabilities": keyword,
            "region": keyword,
            "country": keyword,
            "status": keyword,
            "visibility": keyword,
            "names": keyword,
            "year": {"type": "integer"},
            "length": {"type": "integer", "index": False},
            "title": {"type": "text", "analyzer": "english",
                      "fields": {"shingles": {"type": "text", "analyzer": "english_shingles"},
                                 "ko": {"type": "text", "analyzer": "korean"}}},
            "text": {"type": "text", "analyzer": "english",
                     "fields": {"shingles": {"type": "text", "analyzer": "english_shingles"},
                                "ko": {"type": "text", "analyzer": "korean"}}},
            "vector": {"type": "dense_vector", "dims": 384, "index": True, "similarity": "cosine"},
        },
    }
    settings = build_index_settings()
    assert settings["number_of_shards"] == 1 and settings["number_of_replicas"] == 0
    analyzer = settings["analysis"]["analyzer"]["english_shingles"]
    assert analyzer == {"type": "custom", "tokenizer": "standard",
                        "filter": ["lowercase", "english_stop", "english_stemmer", "word_pairs"]}
    pairs = settings["analysis"]["filter"]["word_pairs"]
    assert (pairs["min_shingle_size"], pairs["max_shingle_size"], pairs["output_unigrams"]) == (2, 2, False)


def test_korean_fields_use_nori_and_keep_content_morphemes_only() -> None:
    analysis = build_index_settings()["analysis"]
    assert analysis["analyzer"]["korean"] == {"type": "custom", "tokenizer": "korean_morphemes",
                                              "filter": ["korean_content", "lowercase"]}
    assert analysis["tokenizer"]["korean_morphemes"]["type"] == "nori_tokenizer"
    pos = analysis["filter"]["korean_content"]
    assert pos["type"] == "nori_part_of_speech"
    # particles, endings and foreign words go; nouns and verb/adjective stems stay, as in the local index
    assert {"J", "E", "XSV", "SL", "SN"} <= set(pos["stoptags"])
    assert not {"NNG", "NNP", "VV", "VA", "XR"} & set(pos["stoptags"])


def test_korean_query_searches_the_nori_subfields_english_query_does_not() -> None:
    def fields(text: str) -> list[str]:
        body = build_search_body(text, Filter(), 10)
        assert body is not None
        return body["query"]["bool"]["must"][0]["multi_match"]["fields"]

    english = ["title^1", "text", "title.shingles", "text.shingles"]
    assert fields("laser welding") == english
    assert fields("레이저 용접 기공") == [*english, "title.ko^1", "text.ko"]
    assert fields("laser 용접") == [*english, "title.ko^1", "text.ko"]
    body = build_search_body("레이저 용접", Filter(), 10)
    assert body is not None and body["query"]["bool"]["must"][0]["multi_match"]["query"] == "레이저 용접"


def test_versioned_index_name() -> None:
    now = datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=timezone.utc)
    assert versioned_index_name("innobridge-docs", now) == "innobridge-docs-v5-20250304050607890000"


def test_every_filter_field_translates() -> None:
    flt = Filter(
        kinds=("publication",), entity_kinds=("lab",), entity_ids=("l1", "l2"), regions=("north",),
        countries=("FI",), capabilities=("cap-welding",), year_min=2019, year_max=2022,
        statuses=("active",), visibilities=("public", "partners"), exclude_ids=("d9",),
    )
    assert filter_to_es(flt) == [
        {"terms": {"kind": ["publication"]}},
        {"terms": {"entity_kinds": ["lab"]}},
        {"terms": {"entity_ids": ["l1", "l2"]}},
        {"terms": {"region": ["north"]}},
        {"terms": {"country": ["FI"]}},
        {"terms": {"capabilities": ["cap-welding"]}},
        {"terms": {"status": ["active"]}},
        {"terms": {"visibility": ["public", "partners"]}},
        {"range": {"year": {"gte": 2019, "lte": 2022}}},
        {"bool": {"must_not": [{"ids": {"values": ["d9"]}}]}},
    ]


def test_default_and_open_filters() -> None:
    assert filter_to_es(Filter()) == PUBLIC
    assert filter_to_es(Filter(visibilities=None)) == []
    assert filter_to_es(Filter(visibilities=None, year_max=2000)) == [{"range": {"year": {"lte": 2000}}}]
    assert filter_to_es(Filter(kinds=())) == [{"terms": {"kind": []}}, *PUBLIC]  # matches nothing
    assert filter_to_es(Filter(exclude_ids=())) == PUBLIC


def test_lexical_search_body() -> None:
    assert build_search_body("laser welding", Filter(), 10) == {
        "size": 10,
        "_source": ["kind", "entity_ids", "length", "year"],
        "track_total_hits": False,
        "query": {
            "bool": {
                "must": [{"multi_match": {"query": "laser welding", "fields": ["title^1", "text", "title.shingles", "text.shingles"], "type": "most_fields"}}],
                "filter": PUBLIC,
            }
        },
    }


def test_hybrid_search_body_applies_filters_to_both_clauses() -> None:
    flt = Filter(kinds=("award",), year_min=2020)
    clauses = [{"terms": {"kind": ["award"]}}, *PUBLIC, {"range": {"year": {"gte": 2020}}}]
    assert build_search_body("coatings", flt, 5, vector=[1, 0.5]) == {
        "size": 5,
        "_source": ["kind", "entity_ids", "length", "year"],
        "track_total_hits": False,
        "query": {
            "bool": {
                "must": [{"multi_match": {"query": "coatings", "fields": ["title^1", "text", "title.shingles", "text.shingles"], "type": "most_fields"}}],
                "filter": clauses,
            }
        },
        "knn": {"field": "vector", "query_vector": [1.0, 0.5], "k": 5, "num_candidates": 100, "filter": clauses},
    }


def test_search_body_edges() -> None:
    assert build_search_body("   ", Filter(), 10) is None
    assert build_search_body("x", Filter(), 0) is None
    vector_only = build_search_body("", Filter(), 300, vector=[0.0, 1.0])
    assert vector_only is not None and "query" not in vector_only
    assert vector_only["knn"]["k"] == 300 and vector_only["knn"]["num_candidates"] == 600
    assert build_search_body("x", Filter(), 10**9)["size"] == 10_000  # type: ignore[index]


def test_user_text_is_only_data() -> None:
    nasty = '"AND OR ( ) : [ ] title:x \\'
    body = build_search_body(nasty, Filter(), 3)
    assert body is not None
    assert body["query"]["bool"]["must"][0]["multi_match"]["query"] == nasty.strip()
    assert "query_string" not in json.dumps(body)


def test_count_body() -> None:
    assert build_count_body(Filter(statuses=("active",))) == {
        "query": {"bool": {"filter": [{"terms": {"status": ["active"]}}, *PUBLIC]}}
    }


DOC = SearchDocument(
    id="d1", kind="award", title="Cold spray", text="Repair of parts.", entity_ids=("o1",),
    entity_kinds=("organization",), capabilities=("cap-spray",), region="north", country="FI",
    year=2024, status="active", vector=(0.5, 0.25),
)


def test_bulk_and_delete_actions() -> None:
    assert list(bulk_actions([DOC], "alias", dims=2)) == [
        {
            "_op_type": "index",
            "_index": "alias",
            "_id": "d1",
            "_source": {
                "id": "d1", "kind": "award", "title": "Cold spray", "text": "Repair of parts.",
                "entity_ids": ["o1"], "entity_kinds": ["organization"], "capabilities": ["cap-spray"],
                "visibility": "public", "names": [], "length": 5, "region": "north", "country": "FI", "status": "active", "year": 2024,
                "vector": [0.5, 0.25],
            },
        }
    ]
    bare = to_source(SearchDocument(id="d2", kind="publication", title="T", text="X"))
    assert set(bare) == {"id", "kind", "title", "text", "entity_ids", "entity_kinds", "capabilities", "visibility", "length",
                         "names"}
    assert list(delete_actions(["a", "b"], "alias")) == [
        {"_op_type": "delete", "_index": "alias", "_id": "a"},
        {"_op_type": "delete", "_index": "alias", "_id": "b"},
    ]


def test_wrong_vector_size_is_refused_before_sending() -> None:
    with pytest.raises(ValueError, match="2-dimensional vector, the index expects 384"):
        to_source(DOC)


def test_alias_switch_actions() -> None:
    assert alias_switch_actions("a", "a-v1-2", ["a-v1-1", "a-v1-0"]) == [
        {"remove": {"index": "a-v1-0", "alias": "a"}},
        {"remove": {"index": "a-v1-1", "alias": "a"}},
        {"add": {"index": "a-v1-2", "alias": "a", "is_write_index": True}},
    ]
    assert alias_switch_actions("a", "a-v1-2", []) == [{"add": {"index": "a-v1-2", "alias": "a", "is_write_index": True}}]


def test_hits_from_response() -> None:
    response = {"hits": {"hits": [
        {"_id": "x", "_score": 3.5, "_source": {"kind": "award", "entity_ids": ["o1"], "length": 42, "year": 2019}},
        {"_id": "y", "_score": None, "_source": {}},
    ]}}
    assert [(h.id, h.score, h.kind, h.entity_ids, h.length, h.year) for h in hits_from_response(response)] == [
        ("x", 3.5, "award", ("o1",), 42, 2019),
        ("y", 0.0, "", (), 0, None),
    ]


# ------------------------------------------------------- recorded reindex calls
class RecordingNode(BaseNode):
    """Answers requests from a script and records them; no socket is opened."""

    calls: ClassVar[list[tuple[str, str, Any]]] = []
    answers: ClassVar[dict[tuple[str, str], tuple[int, Any]]] = {}

    def perform_request(self, method: str, target: str, body: bytes | None = None,  # type: ignore[override]
                        headers: Any = None, request_timeout: Any = None) -> NodeApiResponse:
        path = target.split("?", 1)[0]
        decoded: Any = None
        if body:
            text = body.decode("utf-8")
            decoded = [json.loads(line) for line in text.splitlines() if line] if path.endswith("/_bulk") else json.loads(text)
        RecordingNode.calls.append((method, target, decoded))
        status, payload = RecordingNode.answers.get((method, path), (200, {"acknowledged": True}))
        meta = ApiResponseMeta(
            status=status, http_version="1.1", duration=0.0, node=self.config,
            headers=HttpHeaders({"content-type": "application/json", "x-elastic-product": "Elasticsearch"}),
        )
        return NodeApiResponse(meta, json.dumps(payload).encode("utf-8"))

    def close(self) -> None:
        pass


def test_rebuild_creates_new_index_switches_alias_atomically_then_drops_old() -> None:
    RecordingNode.calls = []
    new = "t-docs-v5-20250101000000000000"
    RecordingNode.answers = {
        ("GET", "/_alias/t-docs"): (200, {"t-docs-v1-old": {"aliases": {"t-docs": {}}}}),
        ("PUT", "/_bulk"): (200, {"errors": False, "items": [{"index": {"_id": "d1", "status": 201}}]}),
    }
    client = Elasticsearch("http://recorder:9200", node_class=RecordingNode)
    backend = ElasticsearchBackend("http://recorder:9200", "t", vector_dims=2, client=client)
    count = backend.rebuild([DOC], now=datetime(2025, 1, 1, tzinfo=timezone.utc))
    assert count == 1
    calls = [(m, t.split("?", 1)[0]) for m, t, _ in RecordingNode.calls]
    assert calls == [
        ("GET", "/_alias/t-docs"),
        ("PUT", f"/{new}"),
        ("PUT", "/_bulk"),
        ("POST", f"/{new}/_refresh"),
        ("POST", "/_aliases"),
        ("DELETE", "/t-docs-v1-old"),
    ]
    bodies = {t.split("?", 1)[0]: b for _, t, b in RecordingNode.calls}
    assert bodies[f"/{new}"] == {"mappings": build_mappings(2), "settings": build_index_settings()}
    assert bodies["/_bulk"][0] == {"index": {"_index": new, "_id": "d1"}}
    assert bodies["/_aliases"] == {"actions": [
        {"remove": {"index": "t-docs-v1-old", "alias": "t-docs"}},
        {"add": {"index": new, "alias": "t-docs", "is_write_index": True}},
    ]}


def test_failed_reindex_drops_the_new_index_and_keeps_the_alias() -> None:
    RecordingNode.calls = []
    RecordingNode.answers = {("GET", "/_alias/t-docs"): (404, {"error": "alias [t-docs] missing", "status": 404})}
    client = Elasticsearch("http://recorder:9200", node_class=RecordingNode)
    backend = ElasticsearchBackend("http://recorder:9200", "t", vector_dims=384, client=client)
    with pytest.raises(ValueError):
        backend.rebuild([DOC], now=datetime(2025, 1, 1, tzinfo=timezone.utc))  # DOC's vector has 2 dims
    methods = [(m, t.split("?", 1)[0]) for m, t, _ in RecordingNode.calls]
    assert methods[-1] == ("DELETE", "/t-docs-v5-20250101000000000000")
    assert ("POST", "/_aliases") not in methods


def test_rebuilding_flushes_bulk_actions_in_chunks_of_500() -> None:
    RecordingNode.calls = []
    RecordingNode.answers = {("GET", "/_alias/t-docs"): (404, {"error": "alias [t-docs] missing", "status": 404}),
                             ("PUT", "/_bulk"): (200, {"errors": False, "items": []})}
    client = Elasticsearch("http://recorder:9200", node_class=RecordingNode)
    backend = ElasticsearchBackend("http://recorder:9200", "t", vector_dims=2, client=client)
    with backend.rebuilding() as add:
        for i in range(1001):
            add(SearchDocument(id=f"d{i}", kind="publication", title="T", text="X"))
        assert [len(b) // 2 for m, t, b in RecordingNode.calls if t.startswith("/_bulk")] == [500, 500]
    assert [len(b) // 2 for m, t, b in RecordingNode.calls if t.startswith("/_bulk")] == [500, 500, 1]
    assert RecordingNode.calls[-1][:2] == ("POST", "/_aliases")


def test_search_sends_the_pinned_body_to_the_alias() -> None:
    RecordingNode.calls = []
    RecordingNode.answers = {
        ("GET", "/_alias/t-docs"): (200, {"t-docs-v1-initial": {"aliases": {"t-docs": {}}}}),
        ("GET", "/t-docs-v1-initial/_mapping"): (200, {"t-docs-v1-initial": {"mappings": build_mappings(2)}}),
        ("POST", "/t-docs/_search"): (200, {"hits": {"hits": [{"_id": "d1", "_score": 2.0, "_source": {"kind": "award"}}]}}),
    }
    client = Elasticsearch("http://recorder:9200", node_class=RecordingNode)
    backend = ElasticsearchBackend("http://recorder:9200", "t", vector_dims=2, client=client)
    hits = backend.search("cold spray", Filter(kinds=("award",)), top_k=7, vector=[0.1, 0.2])
    assert [h.id for h in hits] == ["d1"]
    method, target, body = RecordingNode.calls[-1]
    assert (method, target.split("?", 1)[0]) == ("POST", "/t-docs/_search")
    assert body == build_search_body("cold spray", Filter(kinds=("award",)), 7, [0.1, 0.2])


# ------------------------------------------------- documents and profiles split
PROFILE = SearchDocument(id=profile_id("o1"), kind=ENTITY_PROFILE_KIND, title="", text="Cold spray repair.",
                         entity_ids=("o1",), entity_kinds=("organization",), names=("acme",))


def split_backend() -> SplitBackend[ElasticsearchBackend]:
    """The registry's backend for index "t", its two sides talking to the recording node."""
    backend = from_settings({"ELASTICSEARCH_URL": "http://recorder:9200", "ELASTICSEARCH_INDEX": "t",
                             "ELASTICSEARCH_VECTOR_DIMS": 2})
    assert isinstance(backend, SplitBackend)
    client = Elasticsearch("http://recorder:9200", node_class=RecordingNode)
    backend.documents._client = client
    backend.profiles._client = client
    return backend


def test_split_rebuild_writes_profiles_and_documents_to_their_own_index_and_alias() -> None:
    RecordingNode.calls = []
    RecordingNode.answers = {
        ("GET", "/_alias/t-docs"): (200, {"t-docs-v4-old": {"aliases": {"t-docs": {}}}}),
        ("GET", "/_alias/t-profiles"): (404, {"error": "alias [t-profiles] missing", "status": 404}),
        ("PUT", "/_bulk"): (200, {"errors": False, "items": []}),
    }
    backend = split_backend()
    assert backend.rebuild([DOC, PROFILE, SearchDocument(id="d2", kind="publication", title="T", text="X")]) == 3
    created = [t.split("?", 1)[0][1:] for m, t, _ in RecordingNode.calls if m == "PUT" and not t.startswith("/_bulk")]
    assert len(created) == 2
    new_docs = next(name for name in created if name.startswith("t-docs-v5-"))
    new_profiles = next(name for name in created if name.startswith("t-profiles-v5-"))
    bulks = [b for m, t, b in RecordingNode.calls if t.startswith("/_bulk")]
    written = {(line["index"]["_index"], line["index"]["_id"]) for b in bulks for line in b[::2]}
    assert written == {(new_docs, "d1"), (new_docs, "d2"), (new_profiles, PROFILE.id)}
    switches = [b["actions"] for m, t, b in RecordingNode.calls if t.startswith("/_aliases")]
    assert switches == [  # one atomic switch per alias, the profiles (inner context) first
        [{"add": {"index": new_profiles, "alias": "t-profiles", "is_write_index": True}}],
        [{"remove": {"index": "t-docs-v4-old", "alias": "t-docs"}},
         {"add": {"index": new_docs, "alias": "t-docs", "is_write_index": True}}],
    ]
    calls = [(m, t.split("?", 1)[0]) for m, t, _ in RecordingNode.calls]
    assert ("POST", f"/{new_docs}/_refresh") in calls and ("POST", f"/{new_profiles}/_refresh") in calls
    assert calls[-1] == ("DELETE", "/t-docs-v4-old")


#: Recorded answers for a split backend whose two aliases exist at the current schema.
SPLIT_ALIASES_READY = {
        ("GET", "/_alias/t-docs"): (200, {"t-docs-v4-initial": {"aliases": {"t-docs": {}}}}),
        ("GET", "/_alias/t-profiles"): (200, {"t-profiles-v4-initial": {"aliases": {"t-profiles": {}}}}),
        ("GET", "/t-docs-v4-initial/_mapping"): (200, {"t-docs-v4-initial": {"mappings": build_mappings(2)}}),
        ("GET", "/t-profiles-v4-initial/_mapping"): (200, {"t-profiles-v4-initial": {"mappings": build_mappings(2)}}),
}


def test_split_search_goes_to_the_index_that_holds_the_kinds_asked_for() -> None:
    RecordingNode.calls = []
    RecordingNode.answers = {
        **SPLIT_ALIASES_READY,
        ("POST", "/t-docs/_search"): (200, {"hits": {"hits": [{"_id": "d1", "_score": 2.0, "_source": {"kind": "award"}}]}}),
        ("POST", "/t-profiles/_search"): (200, {"hits": {"hits": [
            {"_id": PROFILE.id, "_score": 3.0, "_source": {"kind": ENTITY_PROFILE_KIND}}]}}),
    }
    backend = split_backend()
    assert backend.uses_query_vector and backend.name == "elasticsearch"

    def searched(flt: Filter) -> tuple[list[str], list[tuple[str, Any]]]:
        RecordingNode.calls = []
        hits = backend.search("cold spray", flt, top_k=7, vector=[0.1, 0.2])
        return [h.id for h in hits], [(t.split("?", 1)[0], b) for m, t, b in RecordingNode.calls if "_search" in t]

    profiles = Filter(kinds=(ENTITY_PROFILE_KIND,))
    # profiles carry no vectors: their search is BM25 only
    assert searched(profiles) == ([PROFILE.id], [("/t-profiles/_search", build_search_body("cold spray", profiles, 7))])
    awards = Filter(kinds=("award",))
    assert searched(awards) == (["d1"], [("/t-docs/_search", build_search_body("cold spray", awards, 7, [0.1, 0.2]))])
    hit_ids, targets = searched(Filter())
    assert hit_ids == [PROFILE.id, "d1"] and {t for t, _ in targets} == {"/t-docs/_search", "/t-profiles/_search"}


def test_split_writes_are_routed_by_kind() -> None:
    RecordingNode.calls = []
    RecordingNode.answers = {
        **SPLIT_ALIASES_READY,
        ("PUT", "/_bulk"): (200, {"errors": False, "items": []}),
    }
    backend = split_backend()
    backend.upsert([DOC, PROFILE])
    backend.delete([PROFILE.id, "d1"])
    sent = [(meta["_index"], op, meta["_id"]) for m, t, b in RecordingNode.calls if t.startswith("/_bulk")
            for line in b for op, meta in line.items() if op in ("index", "delete")]
    assert sorted(sent) == sorted([("t-docs", "index", "d1"), ("t-profiles", "index", PROFILE.id),
                                   ("t-docs", "delete", "d1"), ("t-profiles", "delete", PROFILE.id)])


def test_names_body_is_a_terms_filter_under_the_same_filters() -> None:
    body = build_names_body(["acme", "acme widgets", "acme"], Filter(entity_kinds=("organization",)), top_k=20)
    assert body == {
        "size": 20,
        "_source": ["kind", "entity_ids", "length", "year"],
        "track_total_hits": False,
        "query": {"constant_score": {"filter": {"bool": {"filter": [
            {"terms": {"names": ["acme", "acme widgets"]}},
            {"terms": {"entity_kinds": ["organization"]}},
            *PUBLIC,
        ]}}, "boost": 1.0}},
    }
    assert build_names_body([], Filter(), top_k=20) is None
    assert build_names_body(["acme"], Filter(), top_k=0) is None
