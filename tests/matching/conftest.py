"""A small store built through the real importer: labs of welding, coating and machining researchers."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from indexers.ingest import load
from matcher.models import Researcher

TOPICS = {
    "welding": ("Porosity in laser welding of aluminium alloys",
                "We study porosity formation in laser welded aluminium battery housings. Beam oscillation and "
                "shielding gas flow reduce keyhole porosity in the weld seam."),
    "coating": ("Thermal spray coatings against corrosion",
                "Thermal spray coatings protect offshore steel structures against corrosion in sea water."),
    "machining": ("Tool wear in high speed machining of titanium",
                  "Tool wear and chatter limit high speed milling of titanium alloys for aerospace parts."),
}


@dataclass(frozen=True)
class Store:
    welders_lab: list[str]  # researcher ids of the big welding group (one institution)
    lone_welder: str
    coater: str
    machinist: str


def _award(award_id: str, topic: str, pis: list[str], institution: str, state: str, year: int,
           variant: int = 0) -> dict[str, object]:
    title, text = TOPICS[topic]
    return {"award_id": award_id, "title": f"{title} ({variant})" if variant else title, "abstract": text,
            "pi_names": pis, "lead_pi": pis[0], "institution": institution, "state": state, "city": "X",
            "country": "United States", "division_abbr": "CMMI", "start_year": year, "amount_usd": 1000}


@pytest.fixture
def store(runtime, tmp_path: Path) -> Store:  # type: ignore[no-untyped-def]
    rows = [_award(f"W{i}", "welding", [f"Welder {i}"], "Big Weld University", "OH", 2018, variant=i)
            for i in range(6)]
    rows += [
        _award("L1", "welding", ["Lone Welder"], "Small Institute of Technology", "TX", 2017),
        _award("C1", "coating", ["Cora Coater"], "Coast University", "ME", 2016),
        _award("M1", "machining", ["Max Machinist"], "Mill State University", "MI", 2019),
    ]
    path = tmp_path / "awards.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = load(runtime, "awards", path, errors=None)
    assert report.rejected == 0, report.rejects
    with runtime.db.session() as session:
        by_name = dict(session.execute(select(Researcher.name, Researcher.id)).all())
    return Store(welders_lab=[by_name[f"Welder {i}"] for i in range(6)], lone_welder=by_name["Lone Welder"],
                 coater=by_name["Cora Coater"], machinist=by_name["Max Machinist"])
