"""In Chromium, as a Korean user: switch to 한국어, describe a problem in Korean, get English evidence with
the matched English words marked, Korean labels, and a region filter that takes a Korean province name."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from matcher.models import Equipment, InstituteProject, Organization
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SEMANTIC_ENABLED": False}


@pytest.fixture
def korean_world(runtime: Any) -> factories.World:
    """The English test world, placed in two Korean provinces: the university and its laser cell in
    Gyeongbuk (KR-47), the joining project in Seoul (KR-11)."""
    world = factories.seed_entities(runtime)
    with runtime.db.session() as s:
        s.execute(update(Organization).where(Organization.id == world.organization_id).values(region="KR-47"))
        s.execute(update(Equipment).where(Equipment.id == world.equipment_id).values(region="KR-47"))
        s.execute(update(InstituteProject).where(InstituteProject.id == world.project_id).values(region="KR-11"))
    factories.rebuild(runtime)
    return world


def test_a_korean_problem_finds_english_evidence_and_filters_by_korean_region(  # type: ignore[no-untyped-def]
        live_server: str, page, korean_world: factories.World) -> None:
    # The first Korean search of a process loads Kiwi and builds the glossary (~4 s CPU; a served worker
    # does it in its warm-up): on a loaded machine that can outlast the 15 s default.
    page.set_default_navigation_timeout(120_000)
    page.set_default_timeout(120_000)
    page.goto(live_server)
    page.locator("form.lang-switch button[value='ko']").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ko"

    page.fill("#q", "알루미늄 배터리 하우징 레이저 용접부의 기공을 줄이고 싶습니다")
    page.locator("form.search-box button[type='submit']").click()
    page.wait_for_selector("#group-partners")
    partners = page.locator("#group-partners")
    assert partners.get_by_text("Ada Welder").count() == 1
    # English evidence, the English words the Korean problem means marked in it.
    marked = page.locator("#group-partners ul.evidence mark").all_inner_texts()
    assert marked and {w.lower()[:5] for w in marked} & {"poros", "laser", "weldi", "alumi"}, marked
    # Korean labels: the kind, the capability tags and the province of the match.
    card = page.locator("article.result", has_text="Ada Welder")
    assert "연구자" in card.inner_text() or "연구원" in card.inner_text()
    tags = card.locator("p.capabilities span.tag").all_inner_texts()
    assert tags and any("용접" in t for t in tags), tags
    assert "경상북도" in card.inner_text()
    assert "KR-47" not in page.locator("main").inner_text()

    # The region filter takes a Korean name: Seoul keeps only the project placed there.
    page.fill("#region", "서울")
    page.locator("form.filters button[type='submit']").click()
    page.wait_for_load_state()
    results = page.locator("article.result")
    assert results.count() >= 1
    assert set(results.evaluate_all("els => els.map(e => e.dataset.kind)")) == {"project"}
    assert page.locator("#region").input_value() == "서울특별시"
    page.fill("#region", "경북")
    page.locator("form.filters button[type='submit']").click()
    page.wait_for_load_state()
    kinds = set(page.locator("article.result").evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert "project" not in kinds and kinds & {"researcher", "equipment"}
    assert page.locator("article.result", has_text="Ada Welder").count() == 1
