"""Signed links for researchers who are not logged in: one-click unsubscribe and profile claim.

Both are signed with SECRET_KEY and a purpose-specific salt, so a token for one purpose is useless
for the other. A claim token expires and is bound to the address it was mailed to: once the stored
address changes, older links stop working.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

UNSUBSCRIBE_SALT = "innobridge.digest-unsubscribe"
CLAIM_SALT = "innobridge.profile-claim"
CLAIM_MAX_AGE = 2 * 24 * 3600  # seconds


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _email_tag(email: str) -> str:
    return hashlib.sha256(email.strip().casefold().encode("utf-8")).hexdigest()[:16]


def unsubscribe_token(researcher_id: str) -> str:
    """Does not expire: an unsubscribe link in an old digest must keep working."""
    return URLSafeSerializer(_secret(), salt=UNSUBSCRIBE_SALT).dumps({"r": researcher_id})


def read_unsubscribe_token(token: str) -> str | None:
    try:
        data = URLSafeSerializer(_secret(), salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    value = data.get("r") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def claim_token(researcher_id: str, email: str) -> str:
    return URLSafeTimedSerializer(_secret(), salt=CLAIM_SALT).dumps({"r": researcher_id, "e": _email_tag(email)})


def read_claim_token(token: str, current_email: str | None, max_age: int = CLAIM_MAX_AGE) -> str | None:
    """The researcher id, if the token is genuine, fresh, and was mailed to the address still on file."""
    try:
        data = URLSafeTimedSerializer(_secret(), salt=CLAIM_SALT).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), str) or not current_email:
        return None
    return data["r"] if data.get("e") == _email_tag(current_email) else None


def claim_researcher_id(token: str) -> str | None:
    """The researcher a claim token names, before checking the address (to look the researcher up)."""
    try:
        data = URLSafeTimedSerializer(_secret(), salt=CLAIM_SALT).loads(token, max_age=CLAIM_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    value = data.get("r") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None
