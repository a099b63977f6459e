"""Fixtures for the source-parser tests: the shared real data and a file writer."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

# The team's shared data sits beside the checkout (../shared/data), in CI too.
DATA = Path(os.environ.get("INNOBRIDGE_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def data() -> Path:
    """The real shared data; tests that need it are skipped where it is not mounted."""
    if not (DATA / "README.md").is_file():
        pytest.skip(f"real shared data not available at {DATA}")
    return DATA


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a fixture file (text in the given encoding, or bytes) and return its path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write
