"""Every route x every role (and anonymous): allowed or denied exactly as the policy files say.

Policy files are tests/access/policy_*.py, each with a ``POLICY`` dict:
``"endpoint.name": {"method": "GET"|"POST", "url": "/path/{placeholder}", "allowed": {roles}}``.
A key ``"endpoint.name#label"`` adds another row for the same endpoint (another method or object).
Every endpoint of app.url_map (except static) must have a row keyed by its exact name, or the
coverage test fails. Placeholders come from tests/access/conftest.py.

Denied means 401, 403 or 404 (hidden objects such as another firm's private problem answer 404),
or a redirect to the login page. Allowed means anything else below 500. A 5xx always fails.
CSRF is off here (tests/web/test_privacy_csrf.py tests it); for /api/ URLs the role's API token is sent as Bearer.
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import tests.access as access_pkg
from tests import factories

ACTORS = ("anonymous", "sme", "researcher", "coordinator", "admin")
DENIED_STATUS = {401, 403, 404}


def load_policy() -> dict[str, dict[str, Any]]:
    """Merge POLICY from every policy_*.py; a key defined twice differently is an error."""
    merged: dict[str, dict[str, Any]] = {}
    for info in sorted(pkgutil.iter_modules([str(Path(access_pkg.__file__).parent)]), key=lambda i: i.name):
        if not info.name.startswith("policy_"):
            continue
        module = importlib.import_module(f"tests.access.{info.name}")
        for key, entry in module.POLICY.items():
            if key in merged and merged[key] != entry:
                raise AssertionError(f"{key} is defined differently in two policy files")
            unknown = set(entry["allowed"]) - set(ACTORS)
            assert not unknown, f"{key}: unknown roles {unknown}"
            assert entry["method"] in ("GET", "POST"), f"{key}: method must be GET or POST"
            merged[key] = entry
    return merged


def app_endpoints(app: Any) -> dict[str, set[str]]:
    endpoints: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        endpoints.setdefault(rule.endpoint, set()).update((rule.methods or set()) - {"HEAD", "OPTIONS"})
    return endpoints


def test_every_route_has_a_policy(app: Any) -> None:
    policy = load_policy()
    missing = sorted(e for e in app_endpoints(app) if e not in policy)
    assert missing == [], f"routes without an access policy (add them to a tests/access/policy_*.py): {missing}"


def test_policy_rows_name_real_routes_and_methods(app: Any) -> None:
    endpoints = app_endpoints(app)
    wrong = []
    for key, entry in load_policy().items():
        endpoint = key.split("#", 1)[0]
        if endpoint not in endpoints or entry["method"] not in endpoints[endpoint]:
            wrong.append(key)
    assert wrong == [], f"policy rows for unknown endpoints or methods: {wrong}"


def _is_denied(response: Any) -> bool:
    if response.status_code in DENIED_STATUS:
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303, 307, 308) and "/auth/login" in location.split("?", 1)[0]


def _request(app: Any, matrix_seed: Any, actor: str, entry: dict[str, Any]) -> Any:
    client = app.test_client()  # a fresh client: a logout row must not log out the next row
    headers: dict[str, str] = {}
    if actor != "anonymous" and entry["url"] == "/auth/logout":
        # Logging out ends every session of the user (a copied cookie too): the next rows need a new login.
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], matrix_seed.cookies[actor])
        response = client.post("/auth/logout")
        again = app.test_client()
        again.post("/auth/login", data={"email": matrix_seed.emails[actor], "password": factories.PASSWORD})
        matrix_seed.cookies[actor] = again.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        return response
    if actor != "anonymous":
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], matrix_seed.cookies[actor])
        headers["Authorization"] = f"Bearer {matrix_seed.tokens[actor]}"
    url = entry["url"].format(**matrix_seed.placeholders)
    if not url.startswith("/api/"):
        headers.pop("Authorization", None)
    if entry["method"] == "GET":
        return client.get(url, headers=headers)
    data = entry.get("data", {})
    if url.startswith("/api/"):
        return client.post(url, json=data, headers=headers)
    return client.post(url, data=data, headers=headers)


@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(app: Any, matrix_seed: Any, actor: str) -> None:
    policy = load_policy()
    endpoints = app_endpoints(app)
    failures = []
    for endpoint in sorted(endpoints):
        rows = [(k, v) for k, v in policy.items() if k.split("#", 1)[0] == endpoint]
        if not rows:
            failures.append(f"{endpoint}: no policy row")
        for key, entry in rows:
            response = _request(app, matrix_seed, actor, entry)
            expected = "allowed" if actor in entry["allowed"] else "denied"
            if response.status_code >= 500:
                failures.append(f"{key} as {actor}: HTTP {response.status_code}")
                continue
            got = "denied" if _is_denied(response) else "allowed"
            if got != expected:
                failures.append(f"{key} as {actor}: expected {expected}, got HTTP {response.status_code} "
                                f"{response.headers.get('Location', '')}".rstrip())
    assert failures == [], "\n".join(failures)
