"""Merging duplicates keeps publications, evidence and match history; edits, import runs, the rebuild job."""
from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from matcher.models import (
    AuditLog, CapabilityEvidence, Document, DocumentEntity, ImportRun, Job, Match, MatchEvent, Organization,
    ProjectParticipant, InstituteProject, Researcher, User,
)
from matcher.services import curation, jobs, merging

from tests.factories.admin import World


def _duplicate(runtime: Any, world: World) -> None:
    """researcher:a2 duplicates Ada: shares one paper, has one of its own, evidence, and two matches."""
    with runtime.db.session() as session:
        session.add(Researcher(id="researcher:a2", name="A. Lovelace", name_key="a lovelace",
                               orcid="0000-0001-2345-6789", email="ada.l@other.example"))
        session.add_all([Document(id="doc:shared", kind="publication", title="Shared paper"),
                         Document(id="doc:own", kind="publication", title="Dup's own paper")])
        session.flush()
        session.add_all([
            DocumentEntity(document_id="doc:shared", entity_id="researcher:a", entity_kind="researcher", position=0),
            DocumentEntity(document_id="doc:shared", entity_id="researcher:a2", entity_kind="researcher", position=1),
            DocumentEntity(document_id="doc:own", entity_id="researcher:a2", entity_kind="researcher"),
            CapabilityEvidence(entity_id="researcher:a2", capability_id="cap:x", capability_label="X",
                               document_id="doc:own", sentence="X here"),
        ])
        # collides with Ada's match on the public problem; the dup's match went further
        collide = Match(problem_id=world.problem_id, entity_id="researcher:a2", entity_kind="researcher",
                        entity_name="A. Lovelace", stage="approved", note="dup note")
        session.add(collide)
        session.flush()
        session.add(MatchEvent(match_id=collide.id, stage="approved", decision="approve", features={"lexical": 1.0}))
        session.add(User(email="dup@x.example", password_hash="x", role="researcher", researcher_id="researcher:a2"))


def test_merge_researchers_keeps_everything(runtime: Any, world: World) -> None:
    _duplicate(runtime, world)
    curation.annotate(runtime, world.match_ids[0], world.coordinator_id, "kept note")  # an event on Ada's match
    counts = merging.merge(runtime, "researcher", "researcher:a", "researcher:a2", world.admin_id)
    assert counts["publications"] == 1 and counts["evidence"] == 1 and counts["matches"] == 1
    with runtime.db.session() as session:
        links = session.execute(select(DocumentEntity.document_id, DocumentEntity.entity_id)).all()
        assert sorted(links) == [("doc:own", "researcher:a"), ("doc:shared", "researcher:a")]
        assert session.scalars(select(CapabilityEvidence.entity_id)).all() == ["researcher:a"]
        matches = session.scalars(select(Match).where(Match.problem_id == world.problem_id,
                                                      Match.entity_id.like("researcher:a%"))).all()
        assert len(matches) == 1
        kept = matches[0]
        assert kept.entity_id == "researcher:a" and kept.stage == "approved"  # the further-along match survives
        assert "kept note" in (kept.note or "") and "dup note" in (kept.note or "")
        decisions = sorted(e.decision for e in session.scalars(select(MatchEvent).where(MatchEvent.match_id == kept.id)))
        assert decisions == ["annotate", "approve"]  # both histories survive
        ada, dup = session.get(Researcher, "researcher:a"), session.get(Researcher, "researcher:a2")
        assert dup.merged_into_id == "researcher:a"
        assert ada.orcid == "0000-0001-2345-6789" and dup.orcid is None  # unique value moved
        assert ada.email == "ada@uni.example"  # the kept record's own values win
        assert session.scalar(select(User.researcher_id).where(User.email == "dup@x.example")) == "researcher:a"
        log = session.scalars(select(AuditLog).where(AuditLog.action == "researcher.merge")).one()
        assert log.target_id == "researcher:a2" and log.after["merged_into_id"] == "researcher:a"
    browse, _ = merging.browse(runtime, "researcher", "lovelace")
    assert [r.id for r in browse] == ["researcher:a"]
    with pytest.raises(merging.MergeError):
        merging.merge(runtime, "researcher", "researcher:a", "researcher:a2", world.admin_id)


def test_merge_organizations_resolves_participations(runtime: Any, world: World) -> None:
    with runtime.db.session() as session:
        session.add(Organization(id="organization:uni2", name="Tech Univ.", name_key="tech univ", ror_id="ror-1"))
        session.add(InstituteProject(id="project:p", title="P"))
        session.flush()
        session.add_all([ProjectParticipant(project_id="project:p", organization_id="organization:uni"),
                         ProjectParticipant(project_id="project:p", organization_id="organization:uni2")])
        session.add(Researcher(id="researcher:c", name="C", name_key="c", organization_id="organization:uni2"))
    counts = merging.merge(runtime, "organization", "organization:uni", "organization:uni2", world.admin_id)
    assert counts["researchers"] == 1
    with runtime.db.session() as session:
        assert session.scalars(select(ProjectParticipant.organization_id)).all() == ["organization:uni"]
        assert session.get(Researcher, "researcher:c").organization_id == "organization:uni"
        assert session.get(Organization, "organization:uni").ror_id == "ror-1"


def test_edit_checks_unique_fields(runtime: Any, world: World) -> None:
    with pytest.raises(merging.MergeError, match="merge"):
        merging.edit(runtime, "researcher", "researcher:b", world.admin_id, {"email": "ada@uni.example"})
    changed = merging.edit(runtime, "researcher", "researcher:b", world.admin_id, {"name": "Robert Builder"})
    assert changed == {"name": "Robert Builder"}
    record = merging.get_record(runtime, "researcher", "researcher:b")
    assert record is not None and record.fields["name"] == "Robert Builder"


def test_data_care_views(staff_client: Any, runtime: Any, world: World) -> None:
    _duplicate(runtime, world)
    page = staff_client.get("/admin/data/researcher?q=lovelace")
    assert page.status_code == 200 and "A. Lovelace" in page.get_data(as_text=True)
    response = staff_client.post("/admin/data/researcher/merge",
                                 data={"keep_id": "researcher:a", "merge_id": "researcher:a2", "confirm": "1"})
    assert response.status_code == 302
    assert merging.get_record(runtime, "researcher", "researcher:a2").merged_into_id == "researcher:a"  # type: ignore[union-attr]
    _wait_for_jobs(runtime)  # the merge re-indexes both records in the background
    assert [j.status for j in jobs.recent(runtime)] == ["done"]
    response = staff_client.post("/admin/data/researcher/researcher:b",
                                 data={"name": "Bobby", "orcid": "", "email": "bob@uni.example",
                                       "organization_id": "organization:uni", "bio": ""})
    assert response.status_code == 302
    assert merging.get_record(runtime, "researcher", "researcher:b").fields["name"] == "Bobby"  # type: ignore[union-attr]
    assert staff_client.get("/admin/data/organization/organization:uni").status_code == 200
    assert staff_client.get("/admin/data/lab").status_code == 404


def _wait_for_jobs(runtime: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(j.status in ("done", "failed") for j in jobs.recent(runtime)):
            return
        time.sleep(0.1)
    raise AssertionError("background job did not finish")


def test_import_runs_page_lists_rejects(staff_client: Any, runtime: Any) -> None:
    with runtime.db.session() as session:
        session.add(ImportRun(kind="firms", path="data/firms.csv", loaded=3, rejected=1, status="done",
                              rejects=["firms.csv:7: name: <empty>"]))
    html = staff_client.get("/admin/imports").get_data(as_text=True)
    assert "firms.csv:7: name: &lt;empty&gt;" in html


def test_rebuild_job_reports_progress(runtime: Any, world: World) -> None:
    def work(rt: Any, progress: Any) -> int:
        for i in range(4):
            progress(i + 1, 4)
        return 4

    job_id = jobs.start(runtime, "demo", work, world.admin_id, wait=True)
    job = jobs.get(runtime, job_id)
    assert job is not None and (job.status, job.done, job.total, job.percent) == ("done", 4, 4, 100)

    def broken(rt: Any, progress: Any) -> int:
        raise RuntimeError("index dir not writable")

    failed = jobs.get(runtime, jobs.start(runtime, "demo", broken, None, wait=True))
    assert failed is not None and failed.status == "failed" and "not writable" in (failed.message or "")


def test_rebuild_index_from_the_panel(staff_client: Any, runtime: Any) -> None:
    staff_client.post("/admin/jobs/rebuild-index")  # without confirmation nothing starts
    assert staff_client.get("/admin/jobs/progress").get_json() == {"status": "none", "finished": True}
    response = staff_client.post("/admin/jobs/rebuild-index", data={"confirm": "1"})
    assert response.status_code == 302
    with runtime.db.session() as session:
        job_id = session.scalars(select(Job.id)).one()
    deadline = time.monotonic() + 60
    progress: dict[str, Any] = {}
    while time.monotonic() < deadline:
        progress = staff_client.get(f"/admin/jobs/progress?id={job_id}").get_json()
        if progress["finished"]:
            break
        time.sleep(0.2)
    assert progress["status"] == "done", progress
    assert staff_client.get("/admin/jobs").status_code == 200
    assert staff_client.get("/admin/jobs/progress?id=999").status_code == 404
