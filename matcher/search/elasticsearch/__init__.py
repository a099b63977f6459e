"""Optional Elasticsearch backend (SEARCH_BACKEND=elasticsearch): hybrid BM25 + kNN.

Like the local backend, documents and entity profiles live in separate indexes (aliases
``{ELASTICSEARCH_INDEX}-docs`` and ``{ELASTICSEARCH_INDEX}-profiles``) behind the shared
SplitBackend, so profile BM25 statistics come from profiles only. A missing alias gets an
empty first index on first use; the documents index of a deployment that predates the profiles
alias has schema version 3 and is refused (RebuildRequired) until ``flask index rebuild``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..split import SplitBackend
from .backend import ElasticsearchBackend
from .bodies import SCHEMA_VERSION, VECTOR_DIMS

__all__ = ["SCHEMA_VERSION", "VECTOR_DIMS", "ElasticsearchBackend", "from_settings"]


def from_settings(settings: Mapping[str, Any]) -> SplitBackend[ElasticsearchBackend]:
    """Registry entry: ELASTICSEARCH_URL is required; nothing here touches the network."""
    url = settings.get("ELASTICSEARCH_URL")
    if not url:
        raise ValueError("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL, e.g. http://127.0.0.1:9200")

    def side(alias: str) -> ElasticsearchBackend:
        return ElasticsearchBackend(
            str(url),
            str(settings.get("ELASTICSEARCH_INDEX") or "innobridge"),
            alias=alias,
            timeout=float(settings.get("ELASTICSEARCH_TIMEOUT", 10.0)),
            vector_dims=int(settings.get("ELASTICSEARCH_VECTOR_DIMS", VECTOR_DIMS)),
            replicas=int(settings.get("ELASTICSEARCH_REPLICAS", 0)),
        )

    return SplitBackend(side("docs"), side("profiles"))
