"""Every parser on the real shared data: counts of good rows and one known row per file."""
from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from indexers.sources import (AwardRecord, EquipmentRecord, FirmRecord, Parsed, ProblemRecord, ProjectRecord,
                              PublicationRecord, RowError, Skipped, parse)


def _run(kind: str, path: Path) -> tuple[Counter[str], dict[str, Parsed], list[object]]:
    counts: Counter[str] = Counter()
    by_key: dict[str, Parsed] = {}
    others: list[object] = []
    for row in parse(kind, path):
        counts[type(row).__name__] += 1
        if isinstance(row, Parsed):
            by_key.setdefault(row.record.key, row)
        else:
            others.append(row)
    return counts, by_key, others


def test_sbir_firms_csv(data: Path) -> None:
    counts, by_key, _ = _run("firms", data / "firms/sbir_firms.csv")
    assert counts == Counter(Parsed=16938)
    row = by_key["21CT"]
    assert row.line == 4
    firm = row.record
    assert isinstance(firm, FirmRecord)
    assert (firm.name, firm.city, firm.region, firm.postcode) == ("21ct, Inc.", "Austin", "TX", "78759")
    assert firm.description is not None and firm.description.startswith("CLAD: Classification Labeling")


def test_sbir_awards_are_firm_documents(data: Path) -> None:
    counts, by_key, _ = _run("firms", data / "firms/sbir_awards_manufacturing.jsonl")
    assert counts == Counter(Parsed=2566)
    assert len(by_key) == 1573  # one firm per key after merging, as in eval/sbir-firms
    firm = by_key["ALLEGHENY POWDER METALLURGY"].record
    assert isinstance(firm, FirmRecord)
    assert (firm.name, firm.city, firm.region) == ("Allegheny Powder Metallurgy", "Fall Creek", "PA")
    (doc,) = firm.documents
    assert (doc.key, doc.year, doc.amount, doc.agency) == ("84987", 1983, 35000.0, "National Science Foundation")
    assert doc.text.startswith("THE POWDER METALLURGY PROCESS (PM)")


def test_sbir_topics_as_problems(data: Path) -> None:
    counts, by_key, _ = _run("problems", data / "problems/sbir_topics_manufacturing.jsonl")
    assert counts == Counter(Parsed=1495)
    problem = by_key["1a5eb21103d3"].record
    assert isinstance(problem, ProblemRecord)
    assert problem.title.startswith("Low-Latency High-reliability Wireless Protocol")
    assert problem.owner == "Department of Commerce > National Institute of Standards and Technology"
    assert (problem.released, problem.closes) == (date(2017, 1, 10), date(2017, 3, 30))
    assert problem.visibility == "public"


def test_nsf_awards_jsonl(data: Path) -> None:
    counts, by_key, _ = _run("awards", data / "researchers/nsf_awards_engineering.jsonl")
    assert counts == Counter(Parsed=5432)
    award = by_key["0800004"].record
    assert isinstance(award, AwardRecord)
    assert award.title == "Collaborative Research on Risk Management in Supply Chains Using Market Information"
    assert [p.name for p in award.investigators] == ["Xiuli Chao"]
    assert (award.city, award.region, award.country) == ("Ann Arbor", "MI", "United States")
    assert (award.start_year, award.start_date, award.amount, award.division) == (2008, date(2008, 6, 1),
                                                                                  281167.0, "CMMI")
    lead_first = by_key["0800122"].record
    assert isinstance(lead_first, AwardRecord)
    assert [p.name for p in lead_first.investigators] == ["Harriet B Nembhard", "Sanjay B Joshi", "Donald F Heaney"]
    assert lead_first.investigators[0].role == "Principal Investigator"


def test_equipment_csv_skips_junk_without_errors(data: Path) -> None:
    counts, by_key, others = _run("equipment", data / "equipment/equipment.csv")
    assert counts == Counter(Parsed=792, Skipped=44)
    assert all(isinstance(o, Skipped) for o in others)
    names = {str(o).split(": ", 2)[2] for o in others}
    assert "not equipment (placeholder or furniture): 'CHAIRS'" in names
    assert "not equipment (placeholder or furniture): 'UNKNOWN'" in names
    assert "not equipment (generic placeholder name): 'TEST EQUIP'" in names
    kept = {p.record.name for p in by_key.values()}
    assert {"Hitachi S4800 SEM", "NMR SPECTROMETER", "Optical Table M-RS20"} <= kept
    instrument = by_key["pnnl-dms-118"]
    assert instrument.line == 725
    assert isinstance(instrument.record, EquipmentRecord)
    assert instrument.record.description == "Excessed in 2020: IMS with 20,000 m/z upper limit; WD56206 for TOF04"
    assert instrument.record.status == "Inactive"


def test_fp7_projects_csv(data: Path) -> None:
    counts, by_key, _ = _run("projects", data / "projects/fp7_projects.csv")
    assert counts == Counter(Parsed=25778)
    project = by_key["100016"].record
    assert isinstance(project, ProjectRecord)
    assert (project.acronym, project.status, project.participant_count, project.cost) == ("CESAR", "ongoing", 27,
                                                                                           58300757.0)
    assert (project.start_date, project.end_date) == (date(2009, 3, 1), date(2012, 6, 30))
    assert project.programme == 'Specific Programme "Cooperation": Joint Technology Initiatives'


def test_openalex_2025_format(data: Path) -> None:
    counts, by_key, _ = _run("publications", data / "publications/raw_sample25_2025schema.jsonl")
    assert counts == Counter(Parsed=25)
    book = by_key["doi:10.2307/jj.24751862"]
    assert book.line == 2
    pub = book.record
    assert isinstance(pub, PublicationRecord)
    assert pub.openalex_id == "W1994546180"
    assert pub.abstract is not None and pub.abstract.startswith("What does it mean to lead a moral life?")
    assert pub.authors[0].name == "Judith Butler"
    assert pub.authors[0].orcid == "0000-0002-0147-5193"
    assert pub.keywords == ("Obligation", "Moral obligation")
    assert pub.topics[0] == "Psychoanalysis, Philosophy, and Politics"
    journal = by_key["doi:10.13040/ijpsr.0975-8232"].record
    assert isinstance(journal, PublicationRecord)
    assert journal.venue == "International Journal of Pharmaceutical Sciences and Research"
    second = journal.authors[1]
    assert (second.name, second.orcid, second.institution, second.ror_id, second.country) == (
        "Svetlana Sharoyan", "0000-0003-4216-6351", "National Academy of Sciences of Armenia", "04mczx267", "AM")


def test_openalex_2022_format(data: Path) -> None:
    counts, by_key, _ = _run("publications", data / "publications/raw_tu9_books_proceedings_2017_2022.jsonl")
    assert counts == Counter(Parsed=410)
    row = by_key["doi:10.14361/9783839458389"]
    assert row.line == 12
    pub = row.record
    assert isinstance(pub, PublicationRecord)
    assert (pub.title, pub.year, pub.venue) == ("From Shelters to Dwellings", 2022, "Re-Figuration von Räumen")
    assert pub.abstract is not None and pub.abstract.startswith("In Zaatari camp, Jordan, thousands of Syrian")
    (author,) = pub.authors
    assert (author.name, author.orcid, author.institution, author.ror_id, author.country) == (
        "Ayham Dalal", "0000-0003-3726-3827", "Technical University of Berlin", "03v4gjf40", "DE")
    assert "Refugee" in pub.topics  # from concepts: the 2022 format has no topics
    no_doi = [p for p in by_key.values() if p.record.key.startswith("openalex:")]
    assert len(no_doi) == 410 - 323


def test_openalex_json_api_page(data: Path, tmp_path: Path) -> None:
    import json

    lines = (data / "publications/raw_tu9_books_proceedings_2017_2022.jsonl").read_text("utf-8").splitlines()[:3]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"meta": {"count": 3}, "results": [json.loads(x) for x in lines]}), "utf-8")
    rows = list(parse("publications", page))
    assert [type(r) for r in rows] == [Parsed] * 3
    assert [r.line for r in rows] == [1, 2, 3]


def test_real_files_parse_twice_to_the_same_keys(data: Path) -> None:
    for kind, name in [("awards", "researchers/nsf_awards_engineering.jsonl"),
                       ("publications", "publications/raw_sample25_2025schema.jsonl")]:
        first = [r.record for r in parse(kind, data / name) if isinstance(r, Parsed)]
        second = [r.record for r in parse(kind, data / name) if isinstance(r, Parsed)]
        assert first == second
        assert not any(isinstance(r, RowError) for r in parse(kind, data / name))
