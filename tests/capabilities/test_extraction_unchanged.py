"""Speed work on the extractor must not change what it finds: every mention (capability, label, offsets,
sentence, weight, keyphrase flag) of 1,240 demo texts equals what the extractor found before it.

The expected mentions (tests/fixtures/capabilities/mentions_before_speed.jsonl.gz, sentences as the first
12 hex digits of their SHA-1) were written by the extractor of commit ab54115 (before the trie matcher and
the list-based keyphrases) over `golden_sample.sample_texts()` as `mentions_of` below writes them, then
regenerated once on purpose after the Korean KSIC fix (branch korean: 제품 no longer read as 석제품, stone
cutting): the only change was 2 such mentions of one Korean demo problem, and the old PhraseMatcher
extractor with that fix gives every mention of the 1,240 texts identically to the trie; and once more when
bare 풀림 stopped being annealing (2026-12-01): the only change was the two 풀림 of a Korean demo problem about
thread-locking adhesive, 풀림 방지 (keeping bolts from coming loose). If extraction is
changed on purpose, regenerate the file with the new extractor and say so in the commit.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from matcher.capabilities.extractor import get_extractor
from tests.capabilities.golden_sample import sample_texts

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "capabilities" / "mentions_before_speed.jsonl.gz"


def mentions_of(text: str) -> list[list[Any]]:
    return [[m.capability_id, m.label, m.start, m.end, hashlib.sha1(m.sentence.encode()).hexdigest()[:12], m.weight,
             m.is_keyphrase] for m in get_extractor().extract(text)]


def test_every_mention_of_the_demo_sample_is_what_it_was() -> None:
    with gzip.open(EXPECTED, "rt", encoding="utf-8") as fh:
        expected = [json.loads(line) for line in fh]
    texts = list(sample_texts())
    assert [where for where, _ in texts] == [row["where"] for row in expected]
    assert sum(len(row["mentions"]) for row in expected) > 10_000  # a sample that exercises the extractor
    for (where, text), row in zip(texts, expected):
        assert mentions_of(text) == row["mentions"], where
