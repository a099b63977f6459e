"""The taxonomy file loads, is well-formed and supports tree walks."""
from __future__ import annotations

import json

import pytest

from matcher.capabilities.taxonomy import DEFAULT_PATH, Taxonomy, get_taxonomy
from matcher.types import Capability


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return get_taxonomy()


def test_file_is_small_and_parents_exist(tax: Taxonomy) -> None:
    assert DEFAULT_PATH.stat().st_size < 3_000_000
    assert len(tax) > 1000
    for cap in tax:
        assert cap.parent_id is None or cap.parent_id in tax


def test_phrase_owned_by_one_node_and_no_generic_single_words() -> None:
    seen: set[str] = set()
    for line in DEFAULT_PATH.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for syn in row["synonyms"]:
            assert syn not in seen, syn
            seen.add(syn)
            if row["scheme"] != "innobridge_core":
                assert len(syn.split()) >= 2, (row["id"], syn)
    for generic in ("system", "model", "analysis", "data analysis"):
        assert generic not in seen


@pytest.mark.parametrize("phrase", ["laser welding", "additive manufacturing", "porosity", "aluminum alloys",
                                    "aluminium alloys", "machining", "composites", "robotics", "corrosion",
                                    "non-destructive testing", "nondestructive testing", "mass spectrometry"])
def test_core_manufacturing_terms_present(tax: Taxonomy, phrase: str) -> None:
    assert any(phrase in c.synonyms for c in tax), phrase


def test_lookup_children_ancestors(tax: Taxonomy) -> None:
    lw = tax["core:laser-welding"]
    assert isinstance(lw, Capability)
    assert [a.id for a in tax.ancestors(lw.id)][:2] == ["core:welding", "core:manufacturing-processes"]
    assert lw in tax.children("core:welding")
    assert lw in tax.descendants("core:manufacturing-processes")
    assert tax.by_label("LASER WELDING") == lw
    assert tax.get("kp:whatever") is None
    assert lw in tax.find("laser weld")
    assert tax.find("   ") == []


def test_rejects_duplicate_ids() -> None:
    with pytest.raises(ValueError):
        Taxonomy([Capability("a", "A"), Capability("a", "B")])


def test_cycle_safe_ancestors() -> None:
    t = Taxonomy([Capability("a", "A", parent_id="b"), Capability("b", "B", parent_id="a")])
    assert [c.id for c in t.ancestors("a")] == ["b"]
