from __future__ import annotations

from typing import Any

import pytest

from tests.mail.smtpd import SmtpServer, smtp_server  # noqa: F401  (fixture)


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_server: SmtpServer) -> dict[str, Any]:  # noqa: F811
    """The app sends through real SMTP to the loopback aiosmtpd server."""
    return {**app_config, "MAIL_PROVIDER": "smtp", "SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port,
            "SMTP_TLS": False, "PUBLIC_BASE_URL": "https://innobridge.example.org"}
