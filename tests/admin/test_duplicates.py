"""Suspected duplicates are listed with their reasons, a merge asks for confirmation, old links redirect."""
from __future__ import annotations

from typing import Any

from matcher.models import Document, DocumentEntity, Researcher
from matcher.services import duplicates, merging

from tests.factories.admin import World
from .test_data_care import _wait_for_jobs


def _twins(runtime: Any) -> None:
    """A second Ada at the same university sharing a paper (strong); a third elsewhere (name only)."""
    with runtime.db.session() as session:
        session.add_all([
            Researcher(id="researcher:a2", name="Ada  Lovelace", name_key="ada lovelace", organization_id="organization:uni"),
            Researcher(id="researcher:a3", name="ADA LOVELACE", name_key="ada lovelace"),
            Document(id="doc:shared", kind="publication", title="Shared paper"),
        ])
        session.flush()
        session.add_all([
            DocumentEntity(document_id="doc:shared", entity_id="researcher:a", entity_kind="researcher"),
            DocumentEntity(document_id="doc:shared", entity_id="researcher:a2", entity_kind="researcher"),
        ])


def test_suspects_come_with_their_reasons_strongest_first(runtime: Any, world: World) -> None:
    _twins(runtime)
    found = duplicates.suspects(runtime, "researcher")
    assert [(p.keep_id, p.merge_id, p.strong) for p in found] == [("researcher:a", "researcher:a2", True),
                                                                   ("researcher:a", "researcher:a3", False)]
    assert found[0].reasons == ("same normalised name", "same institution (Tech University)", "1 shared document")
    assert duplicates.suspects(runtime, "organization") == []


def test_merge_needs_confirmation_then_old_links_redirect(staff_client: Any, client: Any, runtime: Any,
                                                          world: World) -> None:
    _twins(runtime)
    listing = staff_client.get("/admin/data/researcher/duplicates").get_data(as_text=True)
    assert "same institution (Tech University)" in listing and "Review merge" in listing
    unconfirmed = staff_client.post("/admin/data/researcher/merge",
                                    data={"keep_id": "researcher:a", "merge_id": "researcher:a2"})
    assert unconfirmed.status_code == 302 and "/merge/confirm?" in unconfirmed.headers["Location"]
    assert merging.get_record(runtime, "researcher", "researcher:a2").merged_into_id is None  # type: ignore[union-attr]
    confirm = staff_client.get(unconfirmed.headers["Location"]).get_data(as_text=True)
    assert "This cannot be undone" in confirm and "researcher:a2" in confirm and 'name="confirm" value="1"' in confirm
    done = staff_client.post("/admin/data/researcher/merge",
                             data={"keep_id": "researcher:a", "merge_id": "researcher:a2", "confirm": "1"})
    assert done.status_code == 302
    _wait_for_jobs(runtime)  # the merge re-indexes in a background thread: let it finish within this test
    old = client.get("/entities/researcher:a2")
    assert old.status_code == 308 and old.headers["Location"].endswith("/entities/researcher:a")
    api = client.get("/api/v1/entities/researcher:a2")
    assert api.status_code == 308 and api.headers["Location"].endswith("/api/v1/entities/researcher:a")
    # a chain of merges still lands on the survivor; an unknown id stays a 404
    merging.merge(runtime, "researcher", "researcher:a3", "researcher:a", world.admin_id)
    assert duplicates.survivor(runtime, "researcher:a2") == "researcher:a3"
    assert client.get("/entities/researcher:nobody").status_code == 404
    assert [p.merge_id for p in duplicates.suspects(runtime, "researcher")] == []
