from __future__ import annotations

from typing import Any

import pytest
from flask_login.utils import _create_identifier

from tests.digests.conftest import app_config  # noqa: F401  (real SMTP on loopback for claim mails)
from tests.mail.smtpd import smtp_server  # noqa: F401  (fixture)


def login(client: Any, user_id: int) -> None:
    """Put a Flask-Login session for `user_id` into the test client (the login form is another package's)."""
    from web.security import fresh_session_user

    app = client.application
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
        user = fresh_session_user(user_id)
    assert user is not None
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()  # the id and the session version, as a real login stores it
        sess["_fresh"] = True
        sess["_id"] = identifier


def add_user(runtime: Any, email: str, role: str, researcher_id: str | None = None) -> int:
    from matcher.models import User
    from web.security import hash_password

    with runtime.db.session() as s:
        user = User(email=email, password_hash=hash_password("correct horse battery"), role=role,
                    researcher_id=researcher_id)
        s.add(user)
        s.flush()
        return int(user.id)


@pytest.fixture
def csrf_off(app: Any) -> Any:
    app.config["WTF_CSRF_ENABLED"] = False
    return app
