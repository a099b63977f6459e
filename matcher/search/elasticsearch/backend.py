"""Elasticsearch backend: hybrid BM25 + kNN in one request, a versioned index behind an alias.

One backend serves one alias (``{index}-{alias}``); the registry entry puts a documents and a
profiles backend behind ``matcher.search.split.SplitBackend``, so profile BM25 statistics are
computed over profiles only, as in the local backend.

The client is created on first use, so building the app opens no connection. Transport
failures become BackendUnavailable with the URL in the message; a request the server rejects
as malformed (4xx other than auth) stays an ApiError, because it is a bug, not an outage.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk

from ...types import Filter, Hit, SearchDocument
from ..base import DEFAULT_FILTER, BackendUnavailable, RebuildRequired, fill
from .bodies import (
    SCHEMA_VERSION,
    VECTOR_DIMS,
    alias_switch_actions,
    build_count_body,
    build_index_settings,
    build_mappings,
    build_names_body,
    build_search_body,
    bulk_actions,
    delete_actions,
    hits_from_response,
    versioned_index_name,
)

#: Bulk actions sent per request while rebuilding.
REBUILD_CHUNK = 500
#: Statuses meaning "the cluster cannot serve us" rather than "our request is wrong".
UNAVAILABLE_STATUSES = frozenset({401, 403, 429, 500, 502, 503, 504})


class ElasticsearchBackend:
    """SearchBackend on an Elasticsearch 8/9 cluster behind the alias ``{index}-{alias}``."""

    name = "elasticsearch"
    #: search() adds a kNN clause for ``vector``: the query must be encoded first.
    uses_query_vector = True

    def __init__(
        self,
        url: str,
        index: str = "innobridge",
        *,
        alias: str = "docs",
        timeout: float = 10.0,
        vector_dims: int = VECTOR_DIMS,
        replicas: int = 0,
        refresh: str | bool = "wait_for",
        client: Elasticsearch | None = None,
    ) -> None:
        self.url = url
        self.alias = f"{index}-{alias}"
        self.timeout = timeout
        self.vector_dims = vector_dims
        self.replicas = replicas
        self.refresh = refresh  # "wait_for": a write is searchable when the call returns
        self._client = client
        self._alias_ready = False
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- plumbing
    @property
    def client(self) -> Elasticsearch:
        """The official client, built on first use (constructing it opens no socket either)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = Elasticsearch(
                        self.url, request_timeout=self.timeout, max_retries=1, retry_on_timeout=False
                    )
        return self._client

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn outages into BackendUnavailable naming the server, never an empty result."""
        try:
            yield
        except TransportError as exc:
            raise BackendUnavailable(f"Elasticsearch at {self.url} is unreachable while {action}: {exc}") from exc
        except ApiError as exc:
            if exc.meta.status in UNAVAILABLE_STATUSES:
                raise BackendUnavailable(
                    f"Elasticsearch at {self.url} refused {action} (HTTP {exc.meta.status}): {exc}"
                ) from exc
            raise

    def _create_index(self, name: str, *, with_alias: bool) -> None:
        kwargs: dict[str, Any] = {
            "index": name,
            "mappings": build_mappings(self.vector_dims),
            "settings": build_index_settings(self.replicas),
        }
        if with_alias:
            kwargs["aliases"] = {self.alias: {"is_write_index": True}}
        self.client.indices.create(**kwargs)

    def _alias_indices(self) -> list[str]:
        """Concrete indices behind the alias ([] when it does not exist yet)."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def _check_version(self, indices: Sequence[str]) -> None:
        mappings = self.client.indices.get_mapping(index=",".join(indices)).body
        for name, value in mappings.items():
            found = value.get("mappings", {}).get("_meta", {}).get("schema_version")
            if found != SCHEMA_VERSION:
                raise RebuildRequired(
                    f"Elasticsearch index {name} has schema version {found}, this release needs "
                    f"{SCHEMA_VERSION}: run `flask index rebuild`"
                )

    def _ensure_alias(self) -> None:
        """First use in this process: create the first index behind the alias, or check its version.

        The first index has a fixed name so that two processes starting together race on
        one name (one create wins) instead of leaving the alias on two indices.
        """
        if self._alias_ready:
            return
        indices = self._alias_indices()
        if not indices:
            try:
                self._create_index(f"{self.alias}-v{SCHEMA_VERSION}-initial", with_alias=True)
            except ApiError as exc:
                if exc.meta.status != 400 or "resource_already_exists" not in str(exc):
                    raise
            indices = self._alias_indices()
        self._check_version(indices)
        self._alias_ready = True

    # ----------------------------------------------------------------- reading
    def search(
        self,
        query: str,
        filters: Filter | None = None,
        top_k: int = 100,
        vector: Sequence[float] | None = None,
    ) -> list[Hit]:
        """BM25 (title x2, text) plus kNN on ``vector`` when given, in one request."""
        return self._hits(build_search_body(query, filters or DEFAULT_FILTER, top_k, vector), "searching")

    def name_matches(self, phrases: Sequence[str], filters: Filter | None = None, top_k: int = 100) -> list[Hit]:
        """Profiles naming one of the phrases (a terms filter on the names keyword)."""
        return self._hits(build_names_body(phrases, filters or DEFAULT_FILTER, top_k), "searching names")

    def _hits(self, body: dict[str, Any] | None, action: str) -> list[Hit]:
        """Send one search body (None: nothing to search for) and read its hits."""
        if body is None:
            return []
        params = {("source" if key == "_source" else key): value for key, value in body.items()}
        with self._guard(action):
            self._ensure_alias()
            response = self.client.search(index=self.alias, **params)
        return hits_from_response(response.body)

    def count(self, filters: Filter | None = None) -> int:
        """Documents passing the filter; ``None`` means ``Filter()`` (public only)."""
        with self._guard("counting"):
            self._ensure_alias()
            response = self.client.count(index=self.alias, **build_count_body(filters or DEFAULT_FILTER))
        return int(response.body["count"])

    def present_ids(self, ids: Sequence[str]) -> set[str]:
        raise NotImplementedError("the elasticsearch backend cannot list its ids; "
                                  "run `flask --app wsgi index rebuild` instead")

    def all_ids(self) -> set[str]:
        return self.present_ids(())

    def health(self) -> dict[str, Any]:
        """Cluster health plus the alias state; red or unreachable raises BackendUnavailable."""
        with self._guard("checking cluster health"):
            cluster = self.client.cluster.health(timeout=f"{max(1, int(self.timeout))}s").body
            indices = self._alias_indices()
            if indices:
                self._check_version(indices)
        if cluster.get("status") == "red":
            raise BackendUnavailable(f"Elasticsearch cluster at {self.url} is red")
        return {
            "backend": self.name,
            "status": "ok",
            "cluster_status": cluster.get("status"),
            "alias": self.alias,
            "indices": indices,
            "schema_version": SCHEMA_VERSION,
        }

    # ----------------------------------------------------------------- writing
    def upsert(self, docs: Sequence[SearchDocument]) -> None:
        """Bulk index by id (replaces); searchable on return because of refresh=wait_for."""
        if not docs:
            return
        actions = list(bulk_actions(docs, self.alias, self.vector_dims))  # validate before sending
        with self._guard("indexing"):
            self._ensure_alias()
            bulk(self.client, actions, refresh=self.refresh)

    def delete(self, ids: Sequence[str]) -> None:
        """Bulk delete by id; unknown ids (404) are not errors."""
        if not ids:
            return
        with self._guard("deleting"):
            self._ensure_alias()
            bulk(self.client, delete_actions(ids, self.alias), refresh=self.refresh, ignore_status=(404,))

    def clear(self) -> None:
        """Delete every document behind the alias, keeping the index and its mappings."""
        with self._guard("clearing"):
            self._ensure_alias()
            self.client.delete_by_query(
                index=self.alias, query={"match_all": {}}, refresh=True, conflicts="proceed"
            )

    def rebuild(self, docs: Iterable[SearchDocument], *, now: datetime | None = None) -> int:
        """Fill a fresh versioned index, switch the alias atomically, then drop the old indices."""
        return fill(self.rebuilding(now=now), docs)

    @contextmanager
    def rebuilding(self, *, now: datetime | None = None) -> Iterator[Callable[[SearchDocument], None]]:
        """rebuild() as a context: ``add(doc)`` fills a new versioned index in bulk chunks.

        On a clean exit the new index is refreshed and the alias switched to it in one atomic
        call, then the old indices are deleted; on an exception the new index is deleted and the
        alias keeps pointing at the old content.
        """
        new_index = versioned_index_name(self.alias, now or datetime.now(timezone.utc))
        pending: list[dict[str, Any]] = []

        def flush() -> None:
            if pending:
                bulk(self.client, pending, refresh=False, chunk_size=REBUILD_CHUNK)
                pending.clear()

        def add(doc: SearchDocument) -> None:
            pending.extend(bulk_actions([doc], new_index, self.vector_dims))  # validates before sending
            if len(pending) >= REBUILD_CHUNK:
                flush()

        with self._guard("rebuilding"):
            old_indices = self._alias_indices()
            self._create_index(new_index, with_alias=False)
            try:
                yield add
                flush()
                self.client.indices.refresh(index=new_index)
                self.client.indices.update_aliases(actions=alias_switch_actions(self.alias, new_index, old_indices))
            except BaseException:
                self.client.indices.delete(index=new_index, ignore_unavailable=True)
                raise
            for old in old_indices:
                if old != new_index:
                    self.client.indices.delete(index=old, ignore_unavailable=True)
        self._alias_ready = True

    def drop(self) -> None:
        """Delete the alias and every index behind it (tests and decommissioning)."""
        with self._guard("dropping"):
            for name in self._alias_indices():
                self.client.indices.delete(index=name, ignore_unavailable=True)
        self._alias_ready = False

    def close(self) -> None:
        """Close pooled HTTP connections if a client was ever created."""
        if self._client is not None:
            self._client.close()
            self._client = None
        self._alias_ready = False
