"""Pure builders of every Elasticsearch request body, so tests pin them without a server.

User text only ever appears as the ``query`` value of a multi_match, i.e. as data that the
english analyzer tokenises; no query_string syntax is ever parsed from it.

Korean: title and text carry a ``ko`` subfield analysed by Elasticsearch's ``nori`` (morphemes, the
particles and endings dropped as the local index drops them with kiwipiepy). nori is not built in: the
cluster needs the analysis-nori plugin (``bin/elasticsearch-plugin install analysis-nori`` on every
node), else creating the index fails with an unknown tokenizer.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from ...korean import has_hangul
from ...types import Filter, Hit, SearchDocument
from ..base import FILTER_FIELDS, document_length
from ..base import KEYWORD_FIELDS as FILTER_KEYWORDS

#: Bump when mappings, analysis or the index layout change; an alias on an older index needs a rebuild.
#: 4: entity profiles moved to an index of their own (alias {index}-profiles). 5: Korean ``ko`` subfields.
SCHEMA_VERSION = 5
VECTOR_DIMS = 384
TITLE_BOOST = 1
#: Elasticsearch's default max_result_window; also bounds kNN candidates.
MAX_TOP_K = 10_000
MIN_NUM_CANDIDATES = 100
SOURCE_FIELDS = ("kind", "entity_ids", "length", "year")
#: Word-bigram subfields (stop words removed, stemmed), mirroring the local backend's shingle field.
SHINGLE_ANALYZER = "english_shingles"
SEARCH_FIELDS = (f"title^{TITLE_BOOST}", "text", "title.shingles", "text.shingles")
#: nori-analysed subfields, searched only when the query holds Hangul (English queries stay as they were).
KOREAN_ANALYZER = "korean"
KOREAN_SEARCH_FIELDS = (f"title.ko^{TITLE_BOOST}", "text.ko")
#: nori part-of-speech tags dropped, so the ``ko`` subfields keep what the local index keeps (nouns NNG
#: NNP, roots XR, verb and adjective stems VV VA): nori's default stop tags plus bound nouns, numerals,
#: pronouns, auxiliary and copula verbs, and foreign words, numbers and Hanja (the english fields hold those).
KOREAN_STOPTAGS = (
    "E", "IC", "J", "MAG", "MAJ", "MM", "SP", "SSC", "SSO", "SC", "SE", "XPN", "XSA", "XSN", "XSV", "UNA", "NA",
    "VSV", "NNB", "NNBC", "NR", "NP", "VX", "VCP", "VCN", "SF", "SY", "SL", "SN", "SH",
)
#: The id is a keyword too in Elasticsearch (tantivy keeps it in its own raw field).
KEYWORD_FIELDS: tuple[str, ...] = ("id", *FILTER_KEYWORDS)


def build_mappings(dims: int = VECTOR_DIMS) -> dict[str, Any]:
    """Explicit, strict mappings: keywords filter, english-analysed text scores, vectors kNN."""
    properties: dict[str, Any] = {name: {"type": "keyword"} for name in KEYWORD_FIELDS}
    properties["year"] = {"type": "integer"}
    properties["length"] = {"type": "integer", "index": False}
    shingle_field = {"shingles": {"type": "text", "analyzer": SHINGLE_ANALYZER},
                     "ko": {"type": "text", "analyzer": KOREAN_ANALYZER}}
    properties["title"] = {"type": "text", "analyzer": "english", "fields": dict(shingle_field)}
    properties["text"] = {"type": "text", "analyzer": "english", "fields": dict(shingle_field)}
    properties["vector"] = {"type": "dense_vector", "dims": dims, "index": True, "similarity": "cosine"}
    return {"dynamic": "strict", "_meta": {"schema_version": SCHEMA_VERSION}, "properties": properties}


def build_index_settings(replicas: int = 0) -> dict[str, Any]:
    """One shard keeps BM25 statistics global at our corpus size; replicas set per cluster.

    The shingle analyzer emits only word pairs (no unigrams: the main fields score those); the Korean
    one needs the analysis-nori plugin.
    """
    return {
        "number_of_shards": 1,
        "number_of_replicas": replicas,
        "analysis": {
            "filter": {
                "english_stop": {"type": "stop", "stopwords": "_english_"},
                "english_stemmer": {"type": "stemmer", "language": "english"},
                "word_pairs": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 2,
                               "output_unigrams": False, "filler_token": ""},
                "korean_content": {"type": "nori_part_of_speech", "stoptags": list(KOREAN_STOPTAGS)},
            },
            "tokenizer": {"korean_morphemes": {"type": "nori_tokenizer", "decompound_mode": "mixed"}},
            "analyzer": {
                SHINGLE_ANALYZER: {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "english_stop", "english_stemmer", "word_pairs"],
                },
                KOREAN_ANALYZER: {
                    "type": "custom",
                    "tokenizer": "korean_morphemes",
                    "filter": ["korean_content", "lowercase"],
                },
            },
        },
    }


def versioned_index_name(alias: str, now: datetime) -> str:
    """A concrete index name behind the alias: schema version plus a sortable UTC stamp."""
    return f"{alias}-v{SCHEMA_VERSION}-{now:%Y%m%d%H%M%S%f}"


def filter_to_es(filters: Filter) -> list[dict[str, Any]]:
    """The portable Filter as bool-filter clauses; an empty tuple matches nothing, as locally."""
    clauses: list[dict[str, Any]] = []
    for attr, field in FILTER_FIELDS:
        values = getattr(filters, attr)
        if values is not None:
            clauses.append({"terms": {field: list(values)}})
    if filters.year_min is not None or filters.year_max is not None:
        bounds: dict[str, int] = {}
        if filters.year_min is not None:
            bounds["gte"] = filters.year_min
        if filters.year_max is not None:
            bounds["lte"] = filters.year_max
        clauses.append({"range": {"year": bounds}})
    if filters.exclude_ids:
        clauses.append({"bool": {"must_not": [{"ids": {"values": list(filters.exclude_ids)}}]}})
    return clauses


def search_fields(text: str) -> list[str]:
    """The fields a query is matched against: the Korean subfields join only for text with Hangul."""
    return [*SEARCH_FIELDS, *KOREAN_SEARCH_FIELDS] if has_hangul(text) else list(SEARCH_FIELDS)


def build_search_body(
    query: str,
    filters: Filter,
    top_k: int,
    vector: Sequence[float] | None = None,
) -> dict[str, Any] | None:
    """Hybrid request: BM25 multi_match plus an optional kNN clause, both under the same filters.

    Returns None when there is nothing to search for (no words and no vector, or top_k < 1).
    Elasticsearch adds the two scores for documents found by both.
    """
    text = query.strip()
    if top_k <= 0 or (not text and vector is None):
        return None
    size = min(top_k, MAX_TOP_K)
    clauses = filter_to_es(filters)
    body: dict[str, Any] = {"size": size, "_source": list(SOURCE_FIELDS), "track_total_hits": False}
    if text:
        body["query"] = {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": text,
                            "fields": search_fields(text),
                            "type": "most_fields",
                        }
                    }
                ],
                "filter": clauses,
            }
        }
    if vector is not None:
        body["knn"] = {
            "field": "vector",
            "query_vector": [float(x) for x in vector],
            "k": size,
            "num_candidates": min(max(2 * size, MIN_NUM_CANDIDATES), MAX_TOP_K),
            "filter": clauses,
        }
    return body


def build_names_body(phrases: Sequence[str], filters: Filter, top_k: int) -> dict[str, Any] | None:
    """Profiles whose names field holds one of the phrases: a terms filter, constant score 1.0."""
    wanted = [p for p in dict.fromkeys(phrases) if p]
    if not wanted or top_k <= 0:
        return None
    return {
        "size": min(top_k, MAX_TOP_K),
        "_source": list(SOURCE_FIELDS),
        "track_total_hits": False,
        "query": {"constant_score": {"filter": {"bool": {"filter": [{"terms": {"names": wanted}}, *filter_to_es(filters)]}},
                                     "boost": 1.0}},
    }


def build_count_body(filters: Filter) -> dict[str, Any]:
    """Count request: the same filter clauses, no scoring."""
    return {"query": {"bool": {"filter": filter_to_es(filters)}}}


def to_source(doc: SearchDocument, dims: int = VECTOR_DIMS) -> dict[str, Any]:
    """The stored JSON of one document; a vector of the wrong size is refused before sending."""
    if not doc.id:
        raise ValueError("a SearchDocument needs a non-empty id")
    source: dict[str, Any] = {
        "id": doc.id,
        "kind": doc.kind,
        "title": doc.title or "",
        "text": doc.text or "",
        "entity_ids": list(doc.entity_ids),
        "entity_kinds": list(doc.entity_kinds),
        "capabilities": list(doc.capabilities),
        "visibility": doc.visibility,
        "names": list(doc.names),
        "length": document_length(doc),
    }
    for name, value in (("region", doc.region), ("country", doc.country), ("status", doc.status), ("year", doc.year)):
        if value is not None:
            source[name] = value
    if doc.vector is not None:
        if len(doc.vector) != dims:
            raise ValueError(f"document {doc.id!r} has a {len(doc.vector)}-dimensional vector, the index expects {dims}")
        source["vector"] = [float(x) for x in doc.vector]
    return source


def bulk_actions(docs: Iterable[SearchDocument], index: str, dims: int = VECTOR_DIMS) -> Iterator[dict[str, Any]]:
    """helpers.bulk actions that index (create or replace) each document under its own id."""
    for doc in docs:
        yield {"_op_type": "index", "_index": index, "_id": doc.id, "_source": to_source(doc, dims)}


def delete_actions(ids: Iterable[str], index: str) -> Iterator[dict[str, Any]]:
    """helpers.bulk actions deleting by id (a 404 for an unknown id is ignored by the caller)."""
    for doc_id in ids:
        yield {"_op_type": "delete", "_index": index, "_id": doc_id}


def alias_switch_actions(alias: str, new_index: str, old_indices: Iterable[str]) -> list[dict[str, Any]]:
    """One atomic update_aliases call: readers move from the old index to the new at once."""
    actions: list[dict[str, Any]] = [
        {"remove": {"index": old, "alias": alias}} for old in sorted(old_indices) if old != new_index
    ]
    actions.append({"add": {"index": new_index, "alias": alias, "is_write_index": True}})
    return actions


def hits_from_response(response: Mapping[str, Any]) -> list[Hit]:
    """Search response -> Hits, keeping Elasticsearch's order (best first)."""
    hits: list[Hit] = []
    for item in response.get("hits", {}).get("hits", []):
        source = item.get("_source") or {}
        hits.append(
            Hit(
                id=str(item["_id"]),
                score=float(item.get("_score") or 0.0),
                kind=str(source.get("kind") or ""),
                entity_ids=tuple(source.get("entity_ids") or ()),
                length=int(source.get("length") or 0),
                year=int(source["year"]) if source.get("year") is not None else None,
            )
        )
    return hits
