"""Fault tests of the web side use the site fixtures (seeded world, users per role, login helper)."""
from tests.mail.smtpd import smtp_server  # noqa: F401 - fixture
from tests.web.fixtures import *  # noqa: F401,F403 - pytest discovers fixtures by name
from tests.browser.conftest import browser, live_server, page  # noqa: F401,E402 - headless Chromium fixtures
