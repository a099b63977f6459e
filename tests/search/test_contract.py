"""The backends that opt into the contract (tests/search/contract.py): the local index always,
Elasticsearch when ELASTICSEARCH_URL is set. Each test gets its own index (a tmp directory, or a uniquely
named Elasticsearch alias)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.search import SearchBackend, create_backend
from tests.search.contract import IdListingContract, SearchBackendContract

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
ES_SKIP_REASON = "ELASTICSEARCH_URL not set: no Elasticsearch server on this machine"


class TestLocalBackend(SearchBackendContract, IdListingContract):
    @pytest.fixture
    def backend(self, tmp_path: Path) -> Iterator[SearchBackend]:
        instance = create_backend("local", {"INDEX_DIR": str(tmp_path / "index")})
        yield instance
        instance.close()


@pytest.mark.skipif(not ES_URL, reason=ES_SKIP_REASON)
class TestElasticsearchBackend(SearchBackendContract):  # lists no ids: `index check` asks for a rebuild
    @pytest.fixture
    def backend(self) -> Iterator[SearchBackend]:
        settings = {"ELASTICSEARCH_URL": ES_URL, "ELASTICSEARCH_INDEX": f"innobridge-test-{uuid.uuid4().hex[:12]}"}
        instance = create_backend("elasticsearch", settings)
        yield instance
        instance.drop()
        instance.close()
