"""Fault tests of the web side use the site fixtures (seeded world, users per role, login helper)."""
from tests.web.fixtures import *  # noqa: F401,F403 - pytest discovers fixtures by name
