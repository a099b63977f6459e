"""The team's Korean translations (issue 13): the cross-language evaluation sets and the Korean demo problems.

They are hand-checked data, so the tests guard what a later edit could break: the sets agree with their builder
and with the masked source set, and the demo problems still parse and point at real source topics.
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from indexers.sources import Parsed, ProblemRecord, parse

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "benchmarks" / "eval"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _builder(data: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/build_translated_sets.py (not a package), reading the mounted shared data."""
    monkeypatch.setenv("INNOBRIDGE_SHARED_DATA", str(data))
    spec = importlib.util.spec_from_file_location("build_translated_sets", ROOT / "benchmarks" / "build_translated_sets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _source_qrels(data: Path) -> dict[str, list[str]]:
    lines = (data / "eval/sbir-firms-masked/qrels.tsv").read_text(encoding="utf-8").splitlines()[1:]
    by_id: dict[str, list[str]] = {}
    for line in lines:
        by_id.setdefault(line.split("\t")[0], []).append(line)
    return by_id


def test_sets_match_their_builder_and_the_masked_source(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = _builder(data, monkeypatch)
    source = _jsonl(data / "eval/sbir-firms-masked/queries.jsonl")
    chosen = build.select(source)
    english = _jsonl(EVAL / "sbir-firms-masked-en150/queries.jsonl")
    korean = _jsonl(EVAL / "sbir-firms-masked-ko/queries.jsonl")
    assert len(chosen) == len(english) == len(korean) == 150
    assert [q["id"] for q in chosen] == [q["id"] for q in english] == [q["id"] for q in korean]
    assert [build.cut(q["text"]) for q in chosen] == [q["text"] for q in english]
    qrels = _source_qrels(data)
    want = ["query_id\tentity_id\trelevance"] + [line for q in chosen for line in qrels[q["id"]]]
    for folder in ("sbir-firms-masked-en150", "sbir-firms-masked-ko"):
        assert (EVAL / folder / "qrels.tsv").read_text(encoding="utf-8").splitlines() == want
        meta = json.loads((EVAL / folder / "dataset.json").read_text(encoding="utf-8"))
        assert meta["relevant_min"] == 1 and meta["corpus"].endswith("shared/data/eval/sbir-firms-masked")
    for q in korean:
        assert q["source_lang"] == "en" and q["translated"] is True
        assert HANGUL.search(q["title"]) and HANGUL.search(q["text"]), q["id"]


def test_translation_check_passes_on_the_committed_file(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = _builder(data, monkeypatch)
    english = {q["id"]: q for q in _jsonl(EVAL / "sbir-firms-masked-en150/queries.jsonl")}
    firms = {qid: [line.split("\t")[1] for line in lines] for qid, lines in _source_qrels(data).items()}
    assert build.check_translations(_jsonl(EVAL / "translations_ko.jsonl"), english, firms) == []


def test_translation_check_names_bad_rows(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = _builder(data, monkeypatch)
    english = {q["id"]: q for q in _jsonl(EVAL / "sbir-firms-masked-en150/queries.jsonl")}
    rows = _jsonl(EVAL / "translations_ko.jsonl")
    qid = next(q for q in english if english[q]["text"].count("the company") == 1)
    firm = "SOME FIRM"
    bad = [dict(r) for r in rows if r["id"] != rows[1]["id"]]  # one translation missing
    for r in bad:
        if r["id"] == qid:  # the firm named and the placeholder dropped
            r["text_ko"] = r["text_ko"].replace("the company", "Some Firm")
    bad.append({"id": "award-0", "title_ko": "제목", "text_ko": "본문"})
    errors = build.check_translations(bad, english, {qid: [firm]})
    assert any(e.endswith(f"id: {rows[1]['id']} has no translation") for e in errors)
    assert any("text_ko: names the relevant firm 'SOME FIRM'" in e for e in errors)
    assert any("'the company' appears 0 times, the English cut 1" in e for e in errors)
    assert any(re.search(r"translations_ko\.jsonl:\d+: id: 'award-0' is not one of the selected", e) for e in errors)


def test_korean_demo_problems_parse_and_cite_their_source(data: Path) -> None:
    path = ROOT / "data" / "demo" / "problems_ko.jsonl"
    rows = list(parse("problems", path))
    assert len(rows) >= 40 and all(isinstance(r, Parsed) for r in rows)
    topics = {t["topic_id"] for t in _jsonl(data / "problems/sbir_topics_manufacturing.jsonl")}
    raw = _jsonl(path)
    assert len({r["topic_id"] for r in raw}) == len(raw)
    for row, parsed in zip(raw, rows):
        assert row["lang"] == "ko" and row["translated_from"] in topics
        assert row["topic_id"] == "ko-" + row["translated_from"]
        record = parsed.record
        assert isinstance(record, ProblemRecord)
        assert HANGUL.search(record.title) and HANGUL.search(record.text), row["topic_id"]


def test_tune_sets_hold_tune_split_queries_only(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Korean route is tuned on these; the held-out Korean set (all held out) stays untouched."""
    from matcher.evalsets import split_of

    build = _builder(data, monkeypatch)
    chosen = build.select_tune(_jsonl(data / "eval/sbir-firms-masked/queries.jsonl"))
    english = _jsonl(EVAL / "sbir-firms-masked-en-tune/queries.jsonl")
    korean = _jsonl(EVAL / "sbir-firms-masked-ko-tune/queries.jsonl")
    assert len(chosen) == len(english) == len(korean) == build.N_TUNE
    assert [q["id"] for q in chosen] == [q["id"] for q in english] == [q["id"] for q in korean]
    assert {split_of(q["id"]) for q in korean} == {"tune"}
    assert not {q["id"] for q in korean} & {q["id"] for q in _jsonl(EVAL / "sbir-firms-masked-ko/queries.jsonl")}
    assert [build.cut(q["text"]) for q in chosen] == [q["text"] for q in english]
    firms = {qid: [line.split("\t")[1] for line in lines] for qid, lines in _source_qrels(data).items()}
    rows = _jsonl(EVAL / "translations_ko_tune.jsonl")
    assert build.check_translations(rows, {q["id"]: q for q in english}, firms, build.PAIRS[1].translations) == []
    for q in korean:
        assert q["translated"] is True and HANGUL.search(q["title"]) and HANGUL.search(q["text"]), q["id"]
