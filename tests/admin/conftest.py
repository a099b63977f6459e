"""Admin tests curate the coordinators' world (tests/factories/admin.py) and mail through real SMTP."""
from __future__ import annotations

from typing import Any

import pytest

from tests.factories import Auth
from tests.factories.admin import World, build_world
from tests.mail.smtpd import SmtpServer


@pytest.fixture(autouse=True)
def _mail_over_smtp(smtp_server: SmtpServer) -> None:
    """Every admin test mails through the real loopback SMTP server (see tests/conftest.py)."""


@pytest.fixture
def world(runtime: Any) -> World:
    return build_world(runtime)


@pytest.fixture
def staff_client(app: Any, client: Any, auth: Auth, world: World) -> Any:
    app.config["WTF_CSRF_ENABLED"] = False
    auth.must_login("coord@innobridge.example")
    return client
