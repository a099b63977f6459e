"""Who may reach the researcher pages (/me): own-profile pages for researchers only; signed-link pages for anyone.

Signed-link rows use the matrix's invalid {token}: the page answers 400 to everyone (not a denial), and the
valid-token behaviour is tested in tests/researcher/test_claim.py and tests/digests/test_unsubscribe.py.
"""
from __future__ import annotations

EVERYONE = frozenset({"anonymous", "sme", "researcher", "coordinator", "admin"})
RESEARCHER = frozenset({"researcher"})

POLICY: dict[str, dict[str, object]] = {
    # the logged-in researcher's own profile
    "researcher.profile": {"method": "GET", "url": "/me", "allowed": RESEARCHER},
    "researcher.capabilities": {"method": "GET", "url": "/me/capabilities?q=weld", "allowed": RESEARCHER},
    "researcher.add_capability": {"method": "POST", "url": "/me/capabilities/add", "allowed": RESEARCHER},
    "researcher.remove_capability": {"method": "POST", "url": "/me/capabilities/remove", "allowed": RESEARCHER},
    "researcher.restore_capability": {"method": "POST", "url": "/me/capabilities/restore", "allowed": RESEARCHER},
    "researcher.set_publication": {"method": "POST", "url": "/me/publications", "allowed": RESEARCHER},
    "researcher.settings": {"method": "POST", "url": "/me/settings", "allowed": RESEARCHER},
    "researcher.export_data": {"method": "GET", "url": "/me/data.json", "allowed": RESEARCHER},
    "researcher.delete_confirm": {"method": "GET", "url": "/me/delete", "allowed": RESEARCHER},
    # without the confirmation box the POST answers 400 and deletes nothing
    "researcher.delete_data": {"method": "POST", "url": "/me/delete", "allowed": RESEARCHER},
    # claiming: anyone may ask for a link; it only ever goes to the address on file
    "researcher.claim_start": {"method": "GET", "url": "/me/claim/{other_researcher_id}", "allowed": EVERYONE},
    "researcher.claim_request": {"method": "POST", "url": "/me/claim/{other_researcher_id}", "allowed": EVERYONE},
    "researcher.claim_confirm": {"method": "GET", "url": "/me/claim/confirm/{token}", "allowed": EVERYONE},
    "researcher.claim_complete": {"method": "POST", "url": "/me/claim/confirm/{token}", "allowed": EVERYONE},
    # one-click unsubscribe (RFC 8058): authenticated by the signed token, never by a session
    "researcher.unsubscribe_page": {"method": "GET", "url": "/me/unsubscribe/{token}", "allowed": EVERYONE},
    "researcher.unsubscribe": {"method": "POST", "url": "/me/unsubscribe/{token}", "allowed": EVERYONE},
}
