"""Optional Elasticsearch backend (SEARCH_BACKEND=elasticsearch): hybrid BM25 + kNN."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .backend import ElasticsearchBackend
from .bodies import SCHEMA_VERSION, VECTOR_DIMS

__all__ = ["SCHEMA_VERSION", "VECTOR_DIMS", "ElasticsearchBackend", "from_settings"]


def from_settings(settings: Mapping[str, Any]) -> ElasticsearchBackend:
    """Registry entry: ELASTICSEARCH_URL is required; nothing here touches the network."""
    url = settings.get("ELASTICSEARCH_URL")
    if not url:
        raise ValueError("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL, e.g. http://127.0.0.1:9200")
    return ElasticsearchBackend(
        str(url),
        str(settings.get("ELASTICSEARCH_INDEX") or "innobridge"),
        timeout=float(settings.get("ELASTICSEARCH_TIMEOUT", 10.0)),
        vector_dims=int(settings.get("ELASTICSEARCH_VECTOR_DIMS", VECTOR_DIMS)),
        replicas=int(settings.get("ELASTICSEARCH_REPLICAS", 0)),
    )
