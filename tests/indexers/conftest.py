from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("INNOBRIDGE_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED / "README.md").is_file():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED
