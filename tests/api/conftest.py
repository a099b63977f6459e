"""API tests use the same seeded world as the site tests."""
from tests.web.fixtures import *  # noqa: F401,F403 - pytest discovers fixtures by name
