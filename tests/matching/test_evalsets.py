"""The fixed tune / held-out split of evaluation sets, and sets that borrow another set's corpus."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.evalsets import corpus_dir, read_queries, split_of


def _write_set(folder: Path, ids: list[str]) -> None:
    folder.mkdir()
    (folder / "queries.jsonl").write_text("".join(json.dumps({"id": i, "text": f"q {i}"}) + "\n" for i in ids),
                                          encoding="utf-8")
    (folder / "dataset.json").write_text(json.dumps({"name": "t", "corpus": "other"}), encoding="utf-8")


def test_split_is_a_partition_that_derived_sets_share(tmp_path: Path) -> None:
    ids = [f"award-{n}" for n in range(1000)]
    _write_set(tmp_path / "a", ids)
    _write_set(tmp_path / "b", list(reversed(ids)))
    tune = {q["id"] for q in read_queries(tmp_path / "a", "tune")}
    held = {q["id"] for q in read_queries(tmp_path / "a", "heldout")}
    assert tune.isdisjoint(held) and tune | held == set(ids)
    assert 350 < len(held) < 450  # about 40%
    assert {q["id"] for q in read_queries(tmp_path / "b", "heldout")} == held  # same rule, any file order
    assert split_of("award-68619") == split_of("award-68619")


def test_unknown_split_is_an_error(tmp_path: Path) -> None:
    _write_set(tmp_path / "a", ["x"])
    with pytest.raises(ValueError, match="split"):
        read_queries(tmp_path / "a", "train")


def test_a_set_without_entities_names_its_corpus(tmp_path: Path) -> None:
    _write_set(tmp_path / "a", ["x"])
    with pytest.raises(SystemExit, match="--corpus"):
        corpus_dir(tmp_path / "a")
    assert corpus_dir(tmp_path / "a", tmp_path / "c") == tmp_path / "c"
