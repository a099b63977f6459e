"""Fixtures shared by the site and API tests: seeded world, users per role, a CSRF-aware login helper."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web import seed
from web.security import hash_password

_HASH: dict[str, str] = {}


def password_hash() -> str:
    """Hashing is deliberately slow; tests share one hash of seed.PASSWORD."""
    if "h" not in _HASH:
        _HASH["h"] = hash_password(seed.PASSWORD)
    return _HASH["h"]


def csrf_token(client: Any, url: str = "/auth/login") -> str:
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def login(client: Any, email: str, password: str = seed.PASSWORD) -> Any:
    token = csrf_token(client)
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # The ranking stays lexical in these tests: no sentence model is loaded.
    return {**app_config, "SEMANTIC_ENABLED": False}


@pytest.fixture
def world(runtime: Any) -> seed.World:
    world = seed.seed_entities(runtime)
    ph = password_hash()
    world.users["sme"] = seed.add_user(runtime, "sme@firm.example.com", "sme", password_hash=ph,
                                       organization_id=world.firm_id)
    world.users["sme2"] = seed.add_user(runtime, "other@firm.example.com", "sme", password_hash=ph)
    world.users["researcher"] = seed.add_user(runtime, "r@uni.example.edu", "researcher", password_hash=ph,
                                              researcher_id=world.researcher_id)
    world.users["coordinator"] = seed.add_user(runtime, "coord@institute.example.org", "coordinator",
                                               password_hash=ph)
    world.users["admin"] = seed.add_user(runtime, "admin@institute.example.org", "admin", password_hash=ph)
    for visibility in ("public", "anonymous", "private"):
        world.problems[visibility] = seed.add_problem(runtime, world.users["sme"], visibility,
                                                      organization_id=world.firm_id)
    world.match_id = seed.add_match(runtime, world.problems["public"], world.researcher_id, "researcher",
                                    "Ada Welder")
    seed.rebuild(runtime)
    return world
