"""What Korean analysis costs the local index: ms per document indexed and per query analysed.

    .venv/bin/python benchmarks/korean_analysis.py --korean FILE.jsonl [--english ../shared/data/eval/sbir-firms-masked/documents.jsonl]

FILE.jsonl holds Korean texts, one object a line with ``title_ko``/``text_ko`` (the translated evaluation
queries) or ``title``/``text``. English texts are the first documents of the English file. For each
language it times the index-time preparation (``to_tantivy_document``: Kiwi's segmentation, then the
document object) and the query-time analysis (``query_terms``), after one warm-up text, and prints the
mean and p95 in CPU ms (process time: on shared cores wall clock mostly measures the neighbours). English text is timed with the Korean code path in place, i.e. what English-only
text pays for it (one regex search for Hangul); Kiwi's one-off load is printed apart.
Last line: one JSON object with the figures.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.korean import has_hangul, warm_up  # noqa: E402
from matcher.search.local.analysis import query_terms  # noqa: E402
from matcher.search.local.schema import to_tantivy_document  # noqa: E402
from matcher.types import SearchDocument  # noqa: E402

DEFAULT_ENGLISH = ROOT.parent / "shared" / "data" / "eval" / "sbir-firms-masked" / "documents.jsonl"


def read_texts(path: Path, limit: int) -> list[tuple[str, str]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and len(out) < limit:
                row = json.loads(line)
                out.append((row.get("title_ko") or row.get("title") or "", row.get("text_ko") or row.get("text") or ""))
    return out


def timed_ms(fn, items) -> tuple[float, float]:
    times = []
    for item in items:
        start = time.process_time()
        fn(item)
        times.append(1000 * (time.process_time() - start))
    times.sort()
    return round(sum(times) / len(times), 3), round(times[int(0.95 * (len(times) - 1))], 3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--korean", type=Path, required=True)
    parser.add_argument("--english", type=Path, default=DEFAULT_ENGLISH)
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    warm_up()
    figures: dict = {"kiwi_load_s": round(time.perf_counter() - start, 2)}
    for lang, path in (("ko", args.korean), ("en", args.english)):
        texts = read_texts(path, args.limit)
        if lang == "ko":
            texts = [t for t in texts if has_hangul(t[0] + t[1])]
        docs = [SearchDocument(id=str(i), kind="award", title=t, text=x) for i, (t, x) in enumerate(texts)]
        to_tantivy_document(docs[0])
        doc_mean, doc_p95 = timed_ms(to_tantivy_document, docs)
        queries = [f"{t} {x}".strip()[:400] for t, x in texts]
        query_mean, query_p95 = timed_ms(query_terms, queries)
        chars = sum(len(t) + len(x) for t, x in texts) / len(texts)
        figures |= {f"{lang}_texts": len(texts), f"{lang}_mean_chars": round(chars),
                    f"{lang}_doc_mean_ms": doc_mean, f"{lang}_doc_p95_ms": doc_p95,
                    f"{lang}_query400_mean_ms": query_mean, f"{lang}_query400_p95_ms": query_p95}
        print(f"{lang}: {len(texts)} texts of ~{chars:.0f} characters; per document {doc_mean} ms (p95 {doc_p95}), "
              f"per query (first 400 characters) {query_mean} ms (p95 {query_p95})", flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
