"""The document vector store refuses vectors of another model, and says so once with the fix."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from matcher.ranking.vectors import VectorStore


def test_vectors_of_another_model_are_not_used_and_the_log_names_the_rebuild(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    old = VectorStore(tmp_path, "sha256:old-model", dim=4)
    old.write({"doc:1": ("h1", np.array([1, 0, 0, 0], np.float32)), "doc:2": ("h2", np.array([0, 1, 0, 0], np.float32))})
    assert len(VectorStore(tmp_path, "sha256:old-model", dim=4)) == 2

    with caplog.at_level(logging.WARNING, logger="matcher.ranking.vectors"):
        new = VectorStore(tmp_path, "sha256:new-model", dim=4)
        new.reload()  # nothing written since: no second line
    assert len(new) == 0 and new.vector("doc:1") is None
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1, lines
    assert "2 vectors of another model" in lines[0] and "sha256:old-model" in lines[0]
    assert "flask --app wsgi index rebuild" in lines[0]
