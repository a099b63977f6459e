"""The import pipeline: good rows stored, bad rows named and kept out, re-runs change nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from indexers.demo import DEMO_DIR
from indexers.ingest import load
from matcher.models import CapabilityEvidence, Document, DocumentEntity, Equipment, ImportRun, Researcher
from matcher.services.stats import store_counts


def _first_lines(src: Path, dst: Path, n: int) -> Path:
    with src.open(encoding="utf-8") as f:
        dst.write_text("".join(line for _, line in zip(range(n), f)), encoding="utf-8")
    return dst


def test_awards_load_researchers_labs_and_evidence(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _first_lines(DEMO_DIR / "nsf_awards.jsonl", tmp_path / "awards.jsonl", 40)
    report = load(runtime, "awards", path, errors=None)
    assert (report.loaded, report.rejected) == (40, 0)
    counts = store_counts(runtime)
    assert counts["documents"] == 40
    assert counts["researchers"] >= 40  # every award has at least its lead investigator
    assert counts["labs"] > 0
    assert counts["capability_evidence"] > 40
    with runtime.db.session() as session:
        # Evidence points into real text: the span of a text mention is the capability's phrase.
        row = session.scalars(select(CapabilityEvidence).where(CapabilityEvidence.start >= 0)
                              .where(CapabilityEvidence.document_id.is_not(None))).first()
        doc = session.get(Document, row.document_id)
        assert doc.text[row.start:row.end].strip()
        assert doc.text[row.start:row.end] in row.sentence


def test_second_load_changes_nothing(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _first_lines(DEMO_DIR / "nsf_awards.jsonl", tmp_path / "awards.jsonl", 30)
    load(runtime, "awards", path, errors=None)
    before = store_counts(runtime)
    report = load(runtime, "awards", path, errors=None)
    assert store_counts(runtime) == before
    assert report.unchanged == 30


def test_bad_rows_are_named_kept_out_and_good_rows_stored(runner, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with (DEMO_DIR / "nsf_awards.jsonl").open(encoding="utf-8") as f:
        good = json.loads(f.readline())
    second = dict(good, award_id="X-2", title="Second good award")
    lines = [json.dumps(good), "{not json", json.dumps(dict(good, award_id="X-1", title="")), json.dumps(second)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.txt"
    result = runner.invoke(args=["index", "load", "awards", str(path), "--rejects", str(rejects)])
    assert result.exit_code == 1
    assert f"{path}:2:" in result.stderr
    assert f"{path}:3: title:" in result.stderr
    assert rejects.read_text(encoding="utf-8").count("\n") == 2
    assert store_counts(runtime)["documents"] == 2
    # The re-run adds nothing and still reports the same bad lines.
    again = runner.invoke(args=["index", "load", "awards", str(path), "--rejects", str(rejects)])
    assert again.exit_code == 1
    assert store_counts(runtime)["documents"] == 2
    with runtime.db.session() as session:
        runs = session.scalars(select(ImportRun).order_by(ImportRun.id)).all()
        assert [r.rejected for r in runs] == [2, 2]
        assert runs[0].rejects[0].startswith(f"{path}:2:")


def test_unknown_format_is_a_clear_error(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "awards.txt"
    path.write_text("x", encoding="utf-8")
    result = runner.invoke(args=["index", "load", "awards", str(path)])
    assert result.exit_code != 0
    assert "awards.txt" in result.output


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_equipment_in_legacy_encodings(runtime, tmp_path: Path, encoding: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"equipment-{encoding}.csv"
    text = ("equipment_id,institution,facility,location,name,category,description,status\n"
            "e1,Université de Liège,Labo Müller,Liège,Rhéomètre – plan/plan,Rheology,Mesure de viscosité,available\n")
    path.write_bytes(text.encode(encoding))
    report = load(runtime, "equipment", path, errors=None)
    assert report.rejected == 0
    with runtime.db.session() as session:
        item = session.scalars(select(Equipment)).one()
        assert item.name == "Rhéomètre – plan/plan"
        assert item.facility == "Labo Müller"


def test_crash_mid_import_leaves_whole_transactions_and_rerun_completes(runtime, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from indexers import writer as writer_module

    path = _first_lines(DEMO_DIR / "nsf_awards.jsonl", tmp_path / "awards.jsonl", 25)
    original = writer_module.StoreWriter.write
    calls = {"n": 0}

    def exploding_write(self, record):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 18:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return original(self, record)

    monkeypatch.setattr(writer_module.StoreWriter, "write", exploding_write)
    report = load(runtime, "awards", path, errors=None, batch_size=5, batches_per_commit=2)
    assert report.status == "failed" and "server closed the connection" in (report.message or "")
    with runtime.db.session() as session:
        # one whole transaction of two batches; the third batch, flushed, went with its transaction
        assert session.scalar(select(func.count()).select_from(Document)) == 10
        linked = session.scalar(select(func.count(func.distinct(DocumentEntity.document_id))))
        assert linked == 10  # no document without its links
    monkeypatch.setattr(writer_module.StoreWriter, "write", original)
    load(runtime, "awards", path, errors=None, batch_size=10)
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 25


def test_same_orcid_is_one_researcher_and_names_resolve_within_an_institution(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"doi": "10.1/a", "title": "Laser welding of aluminium", "abstract": "Porosity in laser welds.", "year": 2020,
         "authors": [{"name": "Ada Smith", "orcid": "0000-0001-2345-6789", "institution": "Uni A"},
                     {"name": "Bo Chen", "institution": "Uni A"}]},
        {"doi": "10.1/b", "title": "Friction stir welding", "abstract": "Joining aluminium alloys.", "year": 2021,
         "authors": [{"name": "A. Smith", "orcid": "0000-0001-2345-6789", "institution": "Uni B"},
                     {"name": "Chen, Bo", "institution": "Uni A"}, {"name": "Bo Chen", "institution": "Uni C"}]},
    ]
    path = tmp_path / "pubs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = load(runtime, "publications", path, errors=None)
    assert report.rejected == 0, report.rejects
    with runtime.db.session() as session:
        names = sorted(session.scalars(select(Researcher.name_key)))
    # Ada Smith once (ORCID), Bo Chen at Uni A once, Bo Chen at Uni C separately.
    assert names == ["ada smith", "bo chen", "bo chen"]


def test_openalex_works_import_with_orcids(runtime, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    path = shared_data / "publications" / "raw_sample25_2025schema.jsonl"
    report = load(runtime, "publications", path, errors=None)
    assert report.loaded == 25
    again = load(runtime, "publications", path, errors=None)
    assert again.unchanged == 25
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 25
        orcids = session.scalars(select(Researcher.orcid).where(Researcher.orcid.is_not(None))).all()
        assert len(orcids) == len(set(orcids)) > 0


def test_import_uses_one_connection_with_a_larger_page_cache_then_restores_it(runtime, tmp_path: Path,
                                                                                 monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from indexers import ingest
    from indexers.writer import StoreWriter

    if runtime.db.dialect != "sqlite":
        pytest.skip("a SQLite setting")
    seen: list[tuple[int, int]] = []
    flush = StoreWriter.flush_evidence

    def watching(self: StoreWriter) -> None:
        connection = self.session.connection()
        seen.append((id(connection.connection.driver_connection),
                     connection.exec_driver_sql("PRAGMA cache_size").scalar()))
        flush(self)

    monkeypatch.setattr(StoreWriter, "flush_evidence", watching)
    path = _first_lines(DEMO_DIR / "nsf_awards.jsonl", tmp_path / "awards.jsonl", 12)
    report = load(runtime, "awards", path, errors=None, batch_size=5, index=False)
    assert report.loaded == 12
    assert len(seen) == 3 and len({driver for driver, _ in seen}) == 1
    assert {size for _, size in seen} == {-ingest.IMPORT_CACHE_KIB}
    with runtime.db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -2000  # SQLite's default again
