"""Where InnoBridge keeps what it can rebuild: built encoder graphs, evaluation vector caches."""
from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """INNOBRIDGE_CACHE_DIR, default ~/.cache/innobridge: one place, so every tool finds the same files."""
    return Path(os.environ.get("INNOBRIDGE_CACHE_DIR") or Path.home() / ".cache" / "innobridge")
