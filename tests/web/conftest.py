"""Site tests use the shared web fixtures."""
from tests.web.fixtures import *  # noqa: F401,F403 - pytest discovers fixtures by name
