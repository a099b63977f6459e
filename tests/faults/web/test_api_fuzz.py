"""schemathesis against /api/v1/openapi.json: generated valid and invalid requests for every operation.

Bounded so it stays in the suite (marked slow): EXAMPLES cases per operation and generation mode,
the first run found 4 distinct failures (trl 5.0 refused, whitespace-only or NUL text refused though
the schema allowed it, `page=` and `mine=` accepted though the schema refused them, a text over
maxLength accepted once stripped); fixed, it finds none in 250 cases;
no shrinking, each response checked by schemathesis' default checks (no 5xx, status codes, content
types, headers and bodies as documented, invalid input refused, valid input accepted).
"""
from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from matcher.services import accounts
from tests import factories
from web.security import hash_token

pytestmark = pytest.mark.slow

# 20 keeps the suite's run near a minute (about 200 cases); `make fuzz-api` runs 200 per operation and mode.
EXAMPLES = int(os.environ.get("FUZZ_API_EXAMPLES", "20"))
#: The suite's run draws the same cases every time, so CI cannot fail on a case no one has seen before
#: (two CI runs with random seeds found different texts: a `q` of 1,000+ separators, now fixed);
#: `make fuzz-api` (FUZZ_API_EXAMPLES set) draws new ones each run, to find what is left.
EXPLORE = "FUZZ_API_EXAMPLES" in os.environ
TOKEN = "ib_fuzz_sme_token"


def test_the_api_answers_every_generated_request_as_documented(app: Any, runtime: Any, world: factories.World) -> None:
    accounts.set_api_token_hash(runtime, world.users["sme"], hash_token(TOKEN))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    unsatisfiable: list[str] = []
    cases = 0
    for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
        for result in schema.get_all_operations():
            operation = result.ok()

            @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                      derandomize=not EXPLORE,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                nonlocal cases
                cases += 1
                try:
                    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})
                except Exception as exc:  # noqa: BLE001 - every failing case is reported, not only the first
                    failures.append(f"{mode.value} {operation.label}: {str(exc)[:600]}")

            try:
                run()
            except Unsatisfiable:  # e.g. no invalid request exists for an operation without parameters
                unsatisfiable.append(f"{mode.value} {operation.label}")
    print(f"schemathesis: {cases} cases, {len(failures)} failures; nothing to generate for {unsatisfiable}")
    assert failures == [], "\n\n".join(failures[:20])
