"""Six short problems as a manufacturer writes them: every shown match has a band and an evidence sentence,
and a query with nothing meaningful in it shows the no-confident-match state (issue 12).

The store is filled through the real importer (awards, equipment, projects), with distractors that share
only common words (parts, production, scheduling) with the problems.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from indexers.ingest import load

pytestmark = pytest.mark.browser

PROBLEMS = (
    "reduce cycle time of injection moulding for thin-walled polypropylene parts",
    "recycling carbon-fibre composite scrap",
    "vision-based inspection of surface defects on machined parts",
    "porosity in laser-welded aluminium battery trays",
    "corrosion of offshore steel structures in sea water",
    "tool wear when milling titanium aerospace parts",
)
AWARDS = [
    ("Cycle time reduction in injection moulding of thin-walled polypropylene packaging",
     "Conformal cooling channels and rapid heat cycle moulding cut the cycle time of thin-walled polypropylene "
     "parts by a third. Warpage of the moulded parts stays within tolerance.", "Mia Moulder", "Polymer Institute"),
    ("Recycling carbon fibre reinforced polymer scrap by pyrolysis",
     "Carbon fibre composite scrap from aircraft production is recovered by pyrolysis and solvolysis. The recycled "
     "fibres are remanufactured into nonwoven mats for car parts.", "Rex Cycler", "Composites Centre"),
    ("Machine vision inspection of surface defects on machined metal parts",
     "A deep learning camera system detects scratches, burrs and pits on machined aluminium surfaces at line "
     "speed. Defect images train the inspection model.", "Vera Vision", "Vision Lab University"),
    ("Porosity in laser welding of aluminium battery housings",
     "Beam oscillation and shielding gas control reduce keyhole porosity in laser welded aluminium battery "
     "trays for electric vehicles.", "Wes Welder", "Joining University"),
    ("Thermal spray coatings against corrosion of offshore steel",
     "Thermal spray aluminium coatings protect offshore steel structures against corrosion in sea water.",
     "Cora Coater", "Coast University"),
    ("Tool wear in high speed milling of titanium alloys",
     "Tool wear and chatter limit high speed milling of titanium alloys for aerospace parts; cryogenic cooling "
     "doubles tool life.", "Max Machinist", "Mill State University"),
    ("Teaching CNC programming in vocational schools",
     "A curriculum teaches young people to program machines for the production of parts.", "Tim Teacher",
     "Vocational College"),
    ("Scheduling of pharmaceutical batch production",
     "Mixed integer programming schedules batch production in pharmaceutical plants to cut changeover time.",
     "Pia Planner", "Operations School"),
    ("Polyurethane foam insulation for buildings",
     "Rigid foam boards insulate building walls; the foam scrap is ground and reused as filler.", "Fay Foam",
     "Building Institute"),
]
EQUIPMENT = [
    ("eq-arburg", "Injection moulding machine Arburg Allrounder 470",
     "Injection moulding machine with mould temperature control for polypropylene and polyamide parts."),
    ("eq-camera", "Camera inspection cell for machined parts",
     "Line-scan camera and lighting cell for the inspection of surface defects on machined parts."),
]
PROJECTS = [
    ("proj-recomp", "RECOMP", "Recycled carbon fibre composites for vehicles",
     "Carbon fibre recycling and remanufacturing of composite scrap into parts for vehicles."),
]


@pytest.fixture
def problem_store(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    awards = tmp_path / "awards.jsonl"
    awards.write_text("\n".join(json.dumps({
        "award_id": f"A{i}", "title": title, "abstract": text, "pi_names": [pi], "lead_pi": pi,
        "institution": inst, "state": "OH", "city": "X", "country": "United States", "division_abbr": "CMMI",
        "start_year": 2020, "amount_usd": 1000}) for i, (title, text, pi, inst) in enumerate(AWARDS)) + "\n",
        encoding="utf-8")
    equipment = tmp_path / "equipment.csv"
    with equipment.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["equipment_id", "institution", "name", "description", "status"])
        writer.writerows([(key, "Polymer Institute", name, text, "available") for key, name, text in EQUIPMENT])
    projects = tmp_path / "projects.csv"
    with projects.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["project_id", "acronym", "title", "description", "status"])
        writer.writerows([(*row, "running") for row in PROJECTS])
    for kind, path in (("awards", awards), ("equipment", equipment), ("projects", projects)):
        report = load(runtime, kind, path, errors=None)
        assert report.rejected == 0, report.rejects


@pytest.mark.parametrize("problem", PROBLEMS)
def test_every_shown_match_has_a_band_and_evidence(live_server: str, page, problem_store, problem: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/")
    page.fill("input[name=q]", problem)
    page.keyboard.press("Enter")
    page.wait_for_selector("#result-count, #no-results")
    cards = page.locator("article.result")
    assert cards.count() >= 1, f"{problem!r}: no match shown"
    for i in range(cards.count()):
        card = cards.nth(i)
        name = card.locator("h3").inner_text()
        assert re.fullmatch(r"(Strong|Good|Weak) match", card.locator(".band").inner_text()), name
        assert card.locator(".score").count() == 0, f"{name}: a raw score is shown"
        evidence = card.locator("ul.evidence li q")
        assert evidence.count() >= 1, f"{problem!r}: {name} is shown without an evidence sentence"
        assert evidence.first.inner_text().strip()
    chips = page.locator("fieldset.caps label").all_inner_texts()
    assert not any(raw in " ".join(chips) for raw in ("reduce cycle", "base inspection", "process equipment"))


def test_nonsense_shows_no_confident_match(live_server: str, page, problem_store) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/search?q=xyzzyqwv+plumbus")
    assert page.locator("#no-confident-match").is_visible()
    assert page.locator("article.result").count() == 0
    assert page.locator("#result-count").count() == 0
