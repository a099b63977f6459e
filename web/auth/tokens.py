"""Signed, expiring password-reset tokens that die as soon as the password changes."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from matcher.services import accounts

SALT = "innobridge.password-reset"
DEFAULT_MAX_AGE = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_reset_token(account: accounts.Account) -> str:
    """The token carries a fingerprint of the current hash, so it is single-use in effect."""
    return _serializer().dumps({"uid": account.id, "fp": accounts.password_fingerprint(account.password_hash)})


def read_reset_token(token: str) -> accounts.Account | None:
    """The account the token was issued for, or None when it is forged, expired or already used."""
    from web.extensions import runtime

    max_age = int(current_app.config.get("PASSWORD_RESET_MAX_AGE", DEFAULT_MAX_AGE))
    try:
        data = _serializer().loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a subclass
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    account = accounts.get_account(runtime(), data["uid"])
    if account is None or not account.active:
        return None
    if data.get("fp") != accounts.password_fingerprint(account.password_hash):
        return None
    return account


REGISTER_SALT = "innobridge.register"
REGISTRATION_MAX_AGE = 24 * 3600


def make_registration_token(email: str, role: str, display_name: str | None, password_hash: str) -> str:
    """A pending registration, mailed to the address: the account exists only once its owner opens it."""
    data = {"email": email, "role": role, "name": display_name, "ph": password_hash}
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=REGISTER_SALT).dumps(data)


def read_registration_token(token: str) -> dict[str, str | None] | None:
    """The registration the link was issued for, or None when it is forged or older than a day."""
    try:
        data = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=REGISTER_SALT).loads(
            token, max_age=REGISTRATION_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("email", "role", "ph")):
        return None
    return data
