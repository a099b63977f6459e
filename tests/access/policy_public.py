"""Who may reach the public site, the account pages and the JSON API (merged by test_access_matrix.py)."""
from __future__ import annotations

EVERYONE = frozenset({"anonymous", "sme", "researcher", "coordinator", "admin"})
POSTERS = frozenset({"sme", "coordinator", "admin"})
OWNER_AND_STAFF = frozenset({"sme", "coordinator", "admin"})  # "sme" is the owner of the seeded problems

POLICY: dict[str, dict[str, object]] = {
    "healthz": {"method": "GET", "url": "/healthz", "allowed": EVERYONE},
    # accounts
    "auth.login": {"method": "GET", "url": "/auth/login", "allowed": EVERYONE},
    "auth.register": {"method": "GET", "url": "/auth/register", "allowed": EVERYONE},
    # an invalid registration link redirects back to the form, for everyone (valid ones: tests/faults/web)
    "auth.register_confirm": {"method": "GET", "url": "/auth/register/{token}", "allowed": EVERYONE},
    "auth.logout": {"method": "POST", "url": "/auth/logout", "allowed": EVERYONE},
    "auth.reset_request": {"method": "GET", "url": "/auth/reset", "allowed": EVERYONE},
    # an invalid token redirects back to the request form, for everyone (valid tokens: tests/web/test_auth.py)
    "auth.reset_password": {"method": "GET", "url": "/auth/reset/{token}", "allowed": EVERYONE},
    # public site
    "public.home": {"method": "GET", "url": "/", "allowed": EVERYONE},
    "public.search": {"method": "GET", "url": "/search?q=laser+welding+porosity", "allowed": EVERYONE},
    "public.entity": {"method": "GET", "url": "/entities/{researcher_id}", "allowed": EVERYONE},
    "public.about": {"method": "GET", "url": "/about", "allowed": EVERYONE},
    "public.my_problems": {"method": "GET", "url": "/problems", "allowed": POSTERS},
    "public.new_problem": {"method": "GET", "url": "/problems/new", "allowed": POSTERS},
    "public.problem": {"method": "GET", "url": "/problems/{private_problem_id}", "allowed": OWNER_AND_STAFF},
    "public.request_introduction": {"method": "POST", "url": "/introductions", "allowed": POSTERS},
    # the brokerage loop: a user's own requests and offers; a researcher's "I can help" on a visible problem
    "public.open_problems": {"method": "GET", "url": "/problems/open", "allowed": EVERYONE},
    "public.my_requests": {"method": "GET", "url": "/requests", "allowed": EVERYONE - {"anonymous"}},
    "public.offer_help": {"method": "POST", "url": "/problems/{public_problem_id}/help",
                          "data": {"message": "We weld aluminium daily."}, "allowed": frozenset({"researcher"})},
    # saved searches: the firm's own; the one-click unsubscribe is signed, not logged in (bad token: 400)
    "public.save_search": {"method": "POST", "url": "/searches", "data": {"q": "laser welding porosity"},
                           "allowed": POSTERS},
    "public.saved_search_list": {"method": "GET", "url": "/searches", "allowed": POSTERS},
    "public.stop_saved_search": {"method": "POST", "url": "/searches/{saved_search_id}/stop",
                                 "allowed": frozenset({"sme"})},
    "public.alert_unsubscribe_page": {"method": "GET", "url": "/alerts/unsubscribe/{token}", "allowed": EVERYONE},
    "public.alert_unsubscribe": {"method": "POST", "url": "/alerts/unsubscribe/{token}", "allowed": EVERYONE},
    # JSON API (tokens of the role's user are sent as Bearer)
    "api.search": {"method": "GET", "url": "/api/v1/search?q=laser+welding", "allowed": EVERYONE},
    "api.entity": {"method": "GET", "url": "/api/v1/entities/{lab_id}", "allowed": EVERYONE},
    "api.list_problems": {"method": "GET", "url": "/api/v1/problems", "allowed": EVERYONE},
    "api.create_problem": {"method": "POST", "url": "/api/v1/problems", "allowed": POSTERS},
    "api.get_problem": {"method": "GET", "url": "/api/v1/problems/{private_problem_id}", "allowed": OWNER_AND_STAFF},
    "api.problem_matches": {"method": "GET", "url": "/api/v1/problems/{public_problem_id}/matches",
                            "allowed": OWNER_AND_STAFF},
    "api.my_requests": {"method": "GET", "url": "/api/v1/requests", "allowed": EVERYONE - {"anonymous"}},
    "api.openapi": {"method": "GET", "url": "/api/v1/openapi.json", "allowed": EVERYONE},
}

#: Extra cases for routes whose other methods or objects deserve their own row ("endpoint#label").
EXTRA: dict[str, dict[str, object]] = {
    "public.problem#anonymous": {"method": "GET", "url": "/problems/{anonymous_problem_id}", "allowed": EVERYONE},
    "public.problem#public": {"method": "GET", "url": "/problems/{public_problem_id}", "allowed": EVERYONE},
    "api.get_problem#public": {"method": "GET", "url": "/api/v1/problems/{public_problem_id}", "allowed": EVERYONE},
    # nobody but the owner and staff may offer help on a private problem: it does not exist for them
    "public.offer_help#private": {"method": "POST", "url": "/problems/{private_problem_id}/help",
                                  "allowed": frozenset()},
    "public.offer_help#anonymous": {"method": "POST", "url": "/problems/{anonymous_problem_id}/help",
                                    "allowed": frozenset({"researcher"})},
    "public.new_problem#post": {"method": "POST", "url": "/problems/new", "allowed": POSTERS},
    "auth.login#post": {"method": "POST", "url": "/auth/login", "allowed": EVERYONE},
    "public.entity#equipment": {"method": "GET", "url": "/entities/{equipment_id}", "allowed": EVERYONE},
    "public.entity#project": {"method": "GET", "url": "/entities/{project_id}", "allowed": EVERYONE},
    "public.entity#organization": {"method": "GET", "url": "/entities/{organization_id}", "allowed": EVERYONE},
    "public.entity#lab": {"method": "GET", "url": "/entities/{lab_id}", "allowed": EVERYONE},
}
POLICY.update(EXTRA)
