"""A researcher corrects how they are described; the corrections change what they are matched with."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from matcher.models import CapabilityEvidence, DocumentEntity, Researcher, User
from matcher.services.digests import build_digest
from tests.factories.digests import LAST_DIGEST, NOW, seed_world
from tests.factories import add_user, login_as


def _researcher(runtime: Any, rid: str) -> Researcher:
    with runtime.db.session() as s:
        row = s.get(Researcher, rid)
        assert row is not None
        return row


def _digest_ids(runtime: Any, rid: str) -> set[str]:
    digest = build_digest(runtime, rid, LAST_DIGEST, until=NOW)
    return {i.id for i in digest.items} if digest else set()


def _ada(client: Any, runtime: Any) -> Any:
    w = seed_world(runtime)
    login_as(client, add_user(runtime, "ada@uni.example.org", "researcher", researcher_id=w.ada))
    return w


def test_profile_page_shows_expertise_evidence_and_publications(client: Any, runtime: Any) -> None:
    _ada(client, runtime)
    page = client.get("/me")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Ada Lovelace" in body and "Laser welding" in body and "Corrosion" in body
    assert "We developed laser welding of thin aluminium sheets." in body
    assert "Laser welding study 0" in body
    assert "grace.hopper@example.org" not in body


def test_remove_and_restore_a_capability(client: Any, runtime: Any, csrf_off: Any) -> None:
    w = _ada(client, runtime)
    assert client.post("/me/capabilities/remove", data={"capability_id": "core:laser-welding"}).status_code == 302
    assert _researcher(runtime, w.ada).removed_capabilities == ["core:laser-welding"]
    assert _digest_ids(runtime, w.ada) == {"problem:anon"}
    body = client.get("/me").get_data(as_text=True)
    assert "Removed by you" in body
    assert client.post("/me/capabilities/restore", data={"capability_id": "core:laser-welding"}).status_code == 302
    assert _researcher(runtime, w.ada).removed_capabilities == []
    assert _digest_ids(runtime, w.ada) == {"problem:public", "problem:anon"}


def test_search_the_taxonomy_and_add_a_capability(client: Any, auth: Any, runtime: Any, csrf_off: Any) -> None:
    w = seed_world(runtime)
    auth.login_as(add_user(runtime, "idle@uni.example.org", "researcher", researcher_id=w.idle))
    found = client.get("/me/capabilities?q=learn").get_data(as_text=True)
    assert "Machine learning and AI" in found and "Laser welding" not in found
    assert "No capability matches" in client.get("/me/capabilities?q=%25").get_data(as_text=True)
    assert "No capability matches" in client.get("/me/capabilities?q=_a").get_data(as_text=True)
    assert _digest_ids(runtime, w.idle) == set()
    assert client.post("/me/capabilities/add", data={"capability_id": "core:machine-learning"}).status_code == 302
    assert _researcher(runtime, w.idle).added_capabilities == ["core:machine-learning"]
    with runtime.db.session() as s:
        rows = s.scalars(select(CapabilityEvidence).where(CapabilityEvidence.entity_id == w.idle,
                                                          CapabilityEvidence.source == "researcher")).all()
        assert [(r.capability_id, r.document_id) for r in rows] == [("core:machine-learning", None)]
    assert _digest_ids(runtime, w.idle) == {"project:ml"}
    client.post("/me/capabilities/add", data={"capability_id": "core:does-not-exist"})
    assert _researcher(runtime, w.idle).added_capabilities == ["core:machine-learning"]
    # Removing an added capability undoes the addition and its evidence row.
    client.post("/me/capabilities/remove", data={"capability_id": "core:machine-learning"})
    assert _researcher(runtime, w.idle).added_capabilities == []
    assert _digest_ids(runtime, w.idle) == set()


def test_exclude_a_publication_and_only_ones_own(client: Any, runtime: Any, csrf_off: Any) -> None:
    w = _ada(client, runtime)
    client.post("/me/publications", data={"document_id": "publication:ada-0", "excluded": "1"})
    with runtime.db.session() as s:
        link = s.scalar(select(DocumentEntity).where(DocumentEntity.document_id == "publication:ada-0"))
        assert link is not None and link.excluded
    assert _digest_ids(runtime, w.ada) == {"problem:anon"}
    client.post("/me/publications", data={"document_id": "publication:ada-0", "excluded": "0"})
    assert _digest_ids(runtime, w.ada) == {"problem:public", "problem:anon"}
    # Grace's paper is not Ada's to exclude.
    client.post("/me/publications", data={"document_id": "publication:grace-0", "excluded": "1"})
    with runtime.db.session() as s:
        assert not s.scalar(select(DocumentEntity.excluded).where(DocumentEntity.document_id == "publication:grace-0"))
    assert client.post("/me/publications", data={"document_id": "publication:ada-0", "excluded": "x"}).status_code == 400


def test_settings_are_validated_and_saved(client: Any, runtime: Any, csrf_off: Any) -> None:
    w = _ada(client, runtime)
    client.post("/me/settings", data={"digest_frequency": "monthly", "recency_half_life": "3",
                                      "regions_of_interest": " Bavaria, saxony ,bavaria,, "})
    row = _researcher(runtime, w.ada)
    assert (row.digest_frequency, row.recency_half_life, row.regions_of_interest) == ("monthly", 3.0,
                                                                                      ["Bavaria", "saxony"])
    client.post("/me/settings", data={"digest_frequency": "daily", "recency_half_life": "", "regions_of_interest": ""})
    client.post("/me/settings", data={"digest_frequency": "weekly", "recency_half_life": "-1"})
    assert _researcher(runtime, w.ada).digest_frequency == "monthly"
    client.post("/me/settings", data={"digest_frequency": "off", "recency_half_life": "", "regions_of_interest": ""})
    row = _researcher(runtime, w.ada)
    assert (row.digest_frequency, row.recency_half_life, row.regions_of_interest) == ("off", None, [])


def test_forms_need_a_csrf_token(client: Any, runtime: Any) -> None:
    w = _ada(client, runtime)
    assert client.post("/me/capabilities/remove", data={"capability_id": "core:laser-welding"}).status_code == 400
    assert client.post("/me/settings", data={"digest_frequency": "off"}).status_code in (302, 400)
    row = _researcher(runtime, w.ada)
    assert row.removed_capabilities == [] and row.digest_frequency == "weekly"


def test_download_personal_data(client: Any, runtime: Any) -> None:
    w = _ada(client, runtime)
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["researcher"]["email"] == "ada.lovelace@example.org"
    assert data["settings"]["digest_frequency"] == "weekly"
    assert {p["id"] for p in data["publications"]} == {"publication:ada-0", "publication:ada-1"}
    assert [a["email"] for a in data["accounts"]] == ["ada@uni.example.org"]
    assert w.grace not in response.get_data(as_text=True)


def test_delete_personal_data_keeps_publications(client: Any, runtime: Any, csrf_off: Any) -> None:
    w = _ada(client, runtime)
    assert client.post("/me/delete", data={}).status_code == 400  # needs the confirmation box
    assert _researcher(runtime, w.ada).email == "ada.lovelace@example.org"
    response = client.post("/me/delete", data={"confirm": "y"})
    assert response.status_code == 302
    row = _researcher(runtime, w.ada)
    assert (row.email, row.digest_frequency, row.claimed_by_user_id) == (None, "off", None)
    with runtime.db.session() as s:
        user = s.scalar(select(User).where(User.researcher_id.is_(None), User.role == "researcher"))
        assert user is not None and not user.active and "ada" not in user.email
        assert len(s.scalars(select(DocumentEntity).where(DocumentEntity.entity_id == w.ada)).all()) == 2
    assert client.get("/me").status_code in (302, 401)  # logged out


def test_unlinked_researcher_account_sees_how_to_claim(client: Any, auth: Any, runtime: Any) -> None:
    seed_world(runtime)
    auth.login_as(add_user(runtime, "new@uni.example.org", "researcher"))
    assert b"No profile linked yet" in client.get("/me").data
    assert client.get("/me/data.json").status_code == 404


def test_a_korean_researcher_finds_capabilities_by_their_korean_names(client: Any, auth: Any, runtime: Any) -> None:
    """The taxonomy's labels are English; a Korean page searches and shows the capabilities' Korean names."""
    w = seed_world(runtime)
    auth.login_as(add_user(runtime, "idle@uni.example.org", "researcher", researcher_id=w.idle))
    korean = {"Accept-Language": "ko"}
    found = client.get("/me/capabilities?q=머신러닝", headers=korean).get_data(as_text=True)
    assert "기계 학습 및 인공지능" in found and "레이저 용접" not in found
    spaced = client.get("/me/capabilities?q=레이저용접", headers=korean).get_data(as_text=True)
    assert "레이저 용접" in spaced
    assert "기계 학습 및 인공지능" not in client.get("/me/capabilities?q=머신러닝").get_data(as_text=True)
    assert "No capability matches" in client.get("/me/capabilities?q=없는말").get_data(as_text=True)


def test_the_profile_page_names_capabilities_in_the_readers_language(client: Any, runtime: Any) -> None:
    _ada(client, runtime)
    korean = client.get("/me", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert '<span class="tag">레이저 용접</span>' in korean and 'aria-label="레이저 용접 삭제"' in korean
    assert '<span class="tag">Laser welding</span>' in client.get("/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
