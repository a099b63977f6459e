"""Hangul names are kept, and ROR's Korean aliases resolve to the same organisation as the English name."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from indexers.ingest import load
from indexers.institutions import ROR_KR_PATH, RorDirectory, load_institutions, ror_directory
from indexers.keys import name_key
from indexers.sources.names import normalise_person_name
from matcher.models import Organization, Problem, Researcher

KAIST = "https://ror.org/05apxxy63"


def _publications(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "pubs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_bundled_table_resolves_korean_english_and_acronym() -> None:
    directory = ror_directory()
    assert directory is not None and len(directory.entries) == 767
    korean, english, acronym = (directory.find(n) for n in
                                ("한국과학기술원", "Korea Advanced Institute of Science and Technology", "KAIST"))
    assert korean is not None and korean == english == acronym and korean.ror_id == KAIST
    assert korean.region == "KR-30" and "한국과학기술원" in korean.korean_names
    assert directory.find("University of Nowhere") is None


def test_a_name_two_records_share_resolves_to_neither(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("ror_id,name,aliases_ko,aliases,acronyms,types,status,city,region\n"
                     "r1,Alpha Institute,알파연구소,,AI,facility,active,Seoul,KR-11\n"
                     "r2,Alpha Institute of Busan,알파부산,,AI,facility,active,Busan,KR-26\n", encoding="utf-8")
    directory = RorDirectory.from_csv(table)
    assert directory.find("알파연구소").ror_id == "r1"
    assert directory.find("AI") is None  # the acronym is shared


def test_hangul_keys_stay_syllables() -> None:
    assert name_key("한국과학기술원") == "한국과학기술원"
    assert normalise_person_name("홍길동") == "홍길동"
    assert name_key("Müller GmbH") == "muller gmbh"  # Latin accents still folded


def test_korean_and_english_affiliations_are_one_organisation(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"doi": "10.1/ko", "title": "레이저 용접의 기공", "abstract": "알루미늄 레이저 용접부의 기공을 줄인다.", "year": 2023,
         "authors": [{"name": "김민준", "institution": "한국과학기술원"}]},
        {"doi": "10.1/en", "title": "Porosity in laser welds", "abstract": "Laser welding of aluminium.", "year": 2022,
         "authors": [{"name": "Minjun Kim", "institution": "Korea Advanced Institute of Science and Technology"}]},
        {"doi": "10.1/ac", "title": "Friction stir welding", "abstract": "Joining aluminium.", "year": 2021,
         "authors": [{"name": "Lee Seo-yeon", "institution": "KAIST"}]},
    ]
    report = load(runtime, "publications", _publications(tmp_path, rows), errors=None)
    assert report.rejected == 0, report.rejects
    with runtime.db.session() as session:
        orgs = session.scalars(select(Organization)).all()
        assert [(o.name, o.ror_id, o.region, o.country) for o in orgs] == [
            ("Korea Advanced Institute of Science and Technology", KAIST, "KR-30", "KR")]
        assert "한국과학기술원" in orgs[0].extra["aliases"]
        people = {r.name for r in session.scalars(select(Researcher))}
    assert "김민준" in people  # the Hangul name is kept as written


def test_a_foreign_organisation_is_not_taken_for_a_korean_one(runtime) -> None:  # type: ignore[no-untyped-def]
    from indexers.writer import StoreWriter

    with runtime.db.session() as session:
        writer = StoreWriter(session)
        us = writer.organization("KAIST", kind="firm", country="US")
        kr = writer.organization("KAIST", country="KR")
        unknown = writer.organization("한국과학기술원")
        writer.flush()
        rows = {o.id: o for o in session.scalars(select(Organization))}
    assert kr == unknown != us
    assert rows[us].ror_id is None and rows[kr].ror_id == KAIST


def test_load_institutions_is_idempotent_and_regions_are_codes(runtime) -> None:  # type: ignore[no-untyped-def]
    first = load_institutions(runtime)
    second = load_institutions(runtime)
    with runtime.db.session() as session:
        orgs = session.scalars(select(Organization)).all()
    assert first == second == len(orgs) == 741  # 742 active records, two of them with one name
    assert {o.region for o in orgs if o.region} <= {f"KR-{n}" for n in
                                                    (11, 26, 27, 28, 29, 30, 31, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50)}
    assert sum(1 for o in orgs if o.extra.get("aliases")) > 600
    assert ROR_KR_PATH.is_file()


def test_problem_region_written_in_korean_is_stored_as_its_code(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "problems.jsonl"
    path.write_text(json.dumps({"id": "p1", "title": "용접 기공", "text": "알루미늄 레이저 용접부에 기공이 생깁니다.",
                                "region": "대전"}, ensure_ascii=False) + "\n", encoding="utf-8")
    report = load(runtime, "problems", path, errors=None)
    assert report.rejected == 0, report.rejects
    with runtime.db.session() as session:
        assert session.scalars(select(Problem.region)).all() == ["KR-30"]


def test_a_profile_is_found_by_its_korean_name(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from matcher.indexing import index_entities, rebuild_index
    from matcher.types import ENTITY_PROFILE_KIND, Filter

    path = tmp_path / "firms.jsonl"
    path.write_text(json.dumps({"firm_name": "Korea Advanced Institute of Science and Technology", "country": "KR",
                                "award_id": "a1", "title": "Laser welding of aluminium",
                                "abstract": "Porosity in laser welds of aluminium battery trays."}) + "\n",
                    encoding="utf-8")
    assert load(runtime, "firms", path, errors=None).rejected == 0
    profiles = Filter(kinds=(ENTITY_PROFILE_KIND,))
    rebuild_index(runtime)
    with runtime.db.session() as session:
        org = session.scalars(select(Organization)).one()
    hits = runtime.search.search("한국과학기술원 레이저 용접", profiles)
    assert [h.entity_ids for h in hits] == [(org.id,)]
    index_entities(runtime, [org.id])  # the incremental path writes the same profile
    assert [h.entity_ids for h in runtime.search.search("한국과학기술원", profiles)] == [(org.id,)]
