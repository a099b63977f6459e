"""The access matrix's seed: one user per role (each with an API token) and one object of every kind.

Placeholders for policy URLs come from here; see tests/access/test_access_matrix.py for the format.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from matcher.models import SavedSearch
from matcher.services import accounts
from tests import factories
from tests.factories import password_hash
from web.security import hash_token

ROLES = ("sme", "researcher", "coordinator", "admin")


@dataclass
class MatrixSeed:
    placeholders: dict[str, str]
    user_ids: dict[str, int]
    emails: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # CSRF is tested on its own (tests/web/test_privacy_csrf.py); here every POST must reach the role check.
    return {**app_config, "WTF_CSRF_ENABLED": False}


@pytest.fixture
def matrix_seed(app: Any, runtime: Any) -> MatrixSeed:
    world = factories.seed_entities(runtime)
    ph = password_hash()
    emails = {role: f"{role}@matrix.example.org" for role in ROLES}
    user_ids = {
        "sme": factories.add_user(runtime, emails["sme"], "sme", password_hash=ph, organization_id=world.firm_id),
        "researcher": factories.add_user(runtime, emails["researcher"], "researcher", password_hash=ph,
                                    researcher_id=world.researcher_id),
        "coordinator": factories.add_user(runtime, emails["coordinator"], "coordinator", password_hash=ph),
        "admin": factories.add_user(runtime, emails["admin"], "admin", password_hash=ph),
    }
    problems = {v: factories.add_problem(runtime, user_ids["sme"], v, organization_id=world.firm_id)
                for v in ("public", "anonymous", "private")}
    match_id = factories.add_match(runtime, problems["public"], world.researcher_id, "researcher", "Ada Welder")
    with runtime.db.session() as session:
        saved = SavedSearch(user_id=user_ids["sme"], query="laser welding porosity")
        session.add(saved)
        session.flush()
        saved_search_id = saved.id
    factories.rebuild(runtime)
    tokens = {}
    for role, uid in user_ids.items():
        tokens[role] = f"ib_matrix_{role}_token"
        accounts.set_api_token_hash(runtime, uid, hash_token(tokens[role]))
    placeholders = {
        "researcher_id": world.researcher_id, "other_researcher_id": world.other_researcher_id,
        "lab_id": world.lab_id, "organization_id": world.organization_id, "equipment_id": world.equipment_id,
        "project_id": world.project_id, "public_problem_id": problems["public"],
        "anonymous_problem_id": problems["anonymous"], "private_problem_id": problems["private"],
        "match_id": str(match_id), "saved_search_id": str(saved_search_id), "user_id": str(user_ids["sme"]), "token": "not-a-valid-token",
    }
    cookies: dict[str, str] = {}
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    for role in ROLES:
        client = app.test_client()
        response = client.post("/auth/login", data={"email": emails[role], "password": factories.PASSWORD})
        assert response.status_code == 302, f"matrix login failed for {role}"
        cookie = client.get_cookie(cookie_name)
        assert cookie is not None
        cookies[role] = cookie.value
    return MatrixSeed(placeholders=placeholders, user_ids=user_ids, emails=emails, tokens=tokens, cookies=cookies)
