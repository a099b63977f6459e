"""Digest tests mail through real SMTP (aiosmtpd on loopback), with links to the public site's address."""
from __future__ import annotations

from typing import Any

import pytest

from tests.mail.smtpd import SmtpServer


@pytest.fixture(autouse=True)
def _mail_over_smtp(smtp_server: SmtpServer) -> None:
    """Requesting the server is what routes the app's mail through it (see tests/conftest.py)."""


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "PUBLIC_BASE_URL": "https://innobridge.example.org"}
