"""Every file of the bad-input corpus (tests/fixtures/bad/manifest.json says what each holds and why):
the exit status, every good row stored, every bad row named file:line: field, nothing else
rejected, no traceback, and the run's recorded status."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.faults.imports.stored import last_run, stored_names

BAD = Path(__file__).resolve().parents[2] / "fixtures" / "bad"
CASES = json.loads((BAD / "manifest.json").read_text(encoding="utf-8"))


def test_the_corpus_is_large_and_complete() -> None:
    assert len(CASES) >= 40
    assert {c["file"] for c in CASES} == {p.name for p in BAD.iterdir() if p.name != "manifest.json"}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_file(case: dict, runner, runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = BAD / case["file"]
    args = ["index", "load", case["kind"], str(path), "--rejects", str(tmp_path / "rejects.txt")]
    if case.get("format"):
        args += ["--format", case["format"]]
    result = runner.invoke(args=args)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == case["exit"], output
    assert stored_names(runtime, case["kind"]) == sorted(case["good"]), output
    named = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
    expected = [f"{path}:{line}: {field}:" for line, field in case["bad"]]
    for prefix in expected:
        assert any(n.startswith(prefix) for n in named), f"{prefix} not reported in:\n{result.stderr}"
    assert len(named) == len(expected), result.stderr  # and nothing else was rejected
    run = last_run(runtime)
    assert (run.status, run.rejected) == (case["status"], len(expected)), run.message
