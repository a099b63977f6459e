"""How often the sentence shown as evidence "by meaning" changes with the model that encodes it.

A document found by meaning alone shows its sentence closest in meaning to the problem
(matcher.ranking.grounding). This runs real searches through the web app (demo data, result cache off),
records every document the picker is asked about with the problem's vector, and then picks that
document's sentence twice: with the float32 document model in one padded batch (as before) and with
`Encoder.encode_queries` (the int8 query model, one sentence at a time, as now). It prints how many picks
agree, how far apart in meaning (float32 cosine to the problem) the two sentences of each disagreement
are, and the CPU per document of each way.

    DATABASE_URL=sqlite:///instance/innobridge.db INDEX_DIR=instance/index \\
        .venv/bin/python benchmarks/semantic_evidence.py [--eval-queries 300]

Queries: search_cpu.py's, then each demo problem's title and description cut to 60 words, then the first
--eval-queries of ../shared/data/eval/sbir-firms-masked cut to 60 words. Last line: one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.search_cpu import queries as page_queries  # noqa: E402

DATA = Path(os.environ.get("INNOBRIDGE_SHARED_DATA", ROOT.parent / "shared" / "data"))
EVAL = DATA / "eval" / "sbir-firms-masked" / "queries.jsonl"


def _cut(text: str, words: int = 60) -> str:
    return " ".join(text.split()[:words])


def all_queries(eval_queries: int) -> list[str]:
    out = page_queries(10_000)
    with (ROOT / "data" / "demo" / "problems.jsonl").open(encoding="utf-8") as fh:
        out += [_cut(f"{d['title']}. {d.get('description', '')}") for d in map(json.loads, filter(str.strip, fh))]
    if eval_queries and EVAL.is_file():
        with EVAL.open(encoding="utf-8") as fh:
            for line, _ in zip(fh, range(eval_queries)):
                d = json.loads(line)
                out.append(_cut(f"{d.get('title', '')}. {d.get('text', '')}"))
    return out


def record_picks(texts: list[str]) -> list[tuple[np.ndarray, str, str]]:
    """(problem vector, title, text) of every call of the semantic picker while the pages are made."""
    import matcher.services.matching as matching
    from matcher.ranking import grounding
    from web import create_app

    calls: list[tuple[np.ndarray, str, str]] = []
    original = grounding.semantic_picker

    def recording(encoder, qv):  # type: ignore[no-untyped-def]
        inner = original(encoder, qv)
        if inner is None:
            return None

        def pick(title: str, text: str) -> str | None:
            calls.append((np.asarray(qv, dtype=np.float32), title, text))
            return inner(title, text)
        return pick

    matching.semantic_picker = recording
    client = create_app({"RATELIMIT_ENABLED": False, "SEARCH_CACHE_SECONDS": 0}).test_client()
    for text in texts:
        if client.get("/search?" + urlencode({"q": text})).status_code != 200:
            raise SystemExit(f"search failed: {text!r}")
    matching.semantic_picker = original
    return calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-queries", type=int, default=300)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL and INDEX_DIR to a loaded instance (make run's instance/ will do)")
    os.environ["SEARCH_CACHE_SECONDS"] = "0"
    from matcher.embeddings.encoder import load_encoder
    from matcher.ranking import evidence
    from matcher.ranking.grounding import MAX_SEMANTIC_SENTENCES

    texts = all_queries(args.eval_queries)
    calls = record_picks(texts)
    encoder = load_encoder()
    if encoder is None:
        raise SystemExit("no sentence encoder installed")
    docs = {}
    for _, title, text in calls:
        kept = [c for c in [title, *evidence.sentences(text)[:MAX_SEMANTIC_SENTENCES - 1]] if c and c.strip()]
        docs[(title, text)] = kept
    several = {k: v for k, v in docs.items() if len(v) > 1}
    encoder.encode(["warm"]), encoder.encode_queries(["warm"])
    vectors, cpu = {}, {}
    for name, encode in (("fp32_batch", encoder.encode), ("int8_each", encoder.encode_queries)):
        started = time.process_time()
        vectors[name] = {k: encode(v) for k, v in several.items()}
        cpu[name] = (time.process_time() - started) * 1000 / max(len(several), 1)
    agree, gaps = 0, []
    for qv, title, text in calls:
        key = (title, text)
        if key not in several:
            agree += 1  # one candidate: chosen without encoding, as before
            continue
        old_cos = vectors["fp32_batch"][key] @ qv
        new = int(np.argmax(vectors["int8_each"][key] @ qv))
        old = int(np.argmax(old_cos))
        if new == old:
            agree += 1
        else:
            gaps.append(float(old_cos[old] - old_cos[new]))
    print(json.dumps({"queries": len(texts), "picks": len(calls), "documents": len(docs),
                      "documents_with_several_sentences": len(several), "same_sentence": agree,
                      "changed": len(gaps), "changed_share": round(len(gaps) / max(len(calls), 1), 4),
                      "changed_fp32_cos_gap_median": round(statistics.median(gaps), 4) if gaps else None,
                      "changed_fp32_cos_gap_max": round(max(gaps), 4) if gaps else None,
                      "cpu_ms_per_document_fp32_batch": round(cpu["fp32_batch"], 2),
                      "cpu_ms_per_document_int8_each": round(cpu["int8_each"], 2),
                      "load_avg": os.getloadavg()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
