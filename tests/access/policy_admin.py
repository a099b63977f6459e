"""Who may reach the coordinator panel (merged by test_access_matrix.py): staff only, plus the owner's consent."""
from __future__ import annotations

STAFF = frozenset({"coordinator", "admin"})
OWNER_AND_STAFF = frozenset({"sme", "coordinator", "admin"})  # "sme" owns the seeded problems

POLICY: dict[str, dict[str, object]] = {
    # curation
    "admin.queue": {"method": "GET", "url": "/admin/", "allowed": STAFF},
    "admin.problem": {"method": "GET", "url": "/admin/problems/{private_problem_id}", "allowed": STAFF},
    "admin.problem_status": {"method": "POST", "url": "/admin/problems/{public_problem_id}/status",
                             "allowed": STAFF, "data": {"status": "curated"}},
    "admin.suggest": {"method": "POST", "url": "/admin/problems/{public_problem_id}/suggest", "allowed": STAFF},
    "admin.add_partner": {"method": "POST", "url": "/admin/problems/{public_problem_id}/partners", "allowed": STAFF},
    "admin.approve": {"method": "POST", "url": "/admin/matches/{match_id}/approve", "allowed": STAFF},
    "admin.reject": {"method": "POST", "url": "/admin/matches/{match_id}/reject", "allowed": STAFF,
                     "data": {"reason": "matrix"}},
    "admin.pin": {"method": "POST", "url": "/admin/matches/{match_id}/pin", "allowed": STAFF, "data": {"pinned": "1"}},
    "admin.annotate": {"method": "POST", "url": "/admin/matches/{match_id}/annotate", "allowed": STAFF,
                       "data": {"note": "matrix"}},
    "admin.requests_page": {"method": "GET", "url": "/admin/requests", "allowed": STAFF},
    "admin.record_consent": {"method": "POST", "url": "/admin/matches/{match_id}/consent", "allowed": STAFF},
    "admin.introduce": {"method": "POST", "url": "/admin/matches/{match_id}/introduce", "allowed": STAFF},
    # outcomes
    "admin.timeline": {"method": "GET", "url": "/admin/matches/{match_id}", "allowed": STAFF},
    "admin.outcome": {"method": "POST", "url": "/admin/matches/{match_id}/outcome", "allowed": STAFF,
                      "data": {"stage": "meeting"}},
    "admin.close": {"method": "POST", "url": "/admin/matches/{match_id}/close", "allowed": STAFF},
    "admin.correct": {"method": "POST", "url": "/admin/matches/{match_id}/correct", "allowed": STAFF},
    "admin.audit_log": {"method": "GET", "url": "/admin/audit?action=match.approve", "allowed": STAFF},
    # control tower
    "admin.control_tower_page": {"method": "GET", "url": "/admin/control-tower", "allowed": STAFF},
    "admin.tower_csv": {"method": "GET", "url": "/admin/control-tower/funnel.csv", "allowed": STAFF},
    # data care
    "admin.browse": {"method": "GET", "url": "/admin/data/researcher", "allowed": STAFF},
    "admin.edit_entity": {"method": "GET", "url": "/admin/data/researcher/{researcher_id}", "allowed": STAFF},
    "admin.edit_entity#organization": {"method": "GET", "url": "/admin/data/organization/{organization_id}",
                                       "allowed": STAFF},
    "admin.duplicates_page": {"method": "GET", "url": "/admin/data/researcher/duplicates", "allowed": STAFF},
    "admin.merge_confirm": {"method": "GET", "url": "/admin/data/researcher/merge/confirm?keep_id={researcher_id}"
                                                "&merge_id={other_researcher_id}", "allowed": STAFF},
    "admin.merge": {"method": "POST", "url": "/admin/data/researcher/merge", "allowed": STAFF},
    "admin.imports": {"method": "GET", "url": "/admin/imports", "allowed": STAFF},
    "admin.jobs_page": {"method": "GET", "url": "/admin/jobs", "allowed": STAFF},
    # without "confirm" nothing starts: the matrix must not launch a rebuild
    "admin.rebuild_index": {"method": "POST", "url": "/admin/jobs/rebuild-index", "allowed": STAFF},
    "admin.job_progress": {"method": "GET", "url": "/admin/jobs/progress", "allowed": STAFF},
    # the firm's own consent to an introduction (outside /admin)
    "consent.owner_consent": {"method": "POST", "url": "/matches/{match_id}/consent", "allowed": OWNER_AND_STAFF},
}
