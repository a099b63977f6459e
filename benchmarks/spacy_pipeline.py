"""The pipeline RANKING_NOTES.md measured at ~9,500 paragraphs/s, against our extractor, on the same texts.

RANKING_NOTES: spaCy blank English + the lookup lemmatizer (spacy-lookups-data) + a PhraseMatcher on LEMMA.
This builds exactly that with the taxonomy's synonyms as patterns (lowercased, as the notes advise) and
runs it with nlp.pipe over three sets of the ingest benchmark's real texts: whole abstracts (~2,400
characters), titles, and abstracts cut to their first 80 words (a paragraph); then our
CapabilityExtractor.extract over the same texts (warm: each set once before the clock). CPU seconds
(time.process_time), so the figures compare on a loaded machine; the last line is one JSON object.

    .venv/bin/python benchmarks/spacy_pipeline.py [--texts 2000]

Our extractor does more per text than the notes' pipeline: offsets into the original string, acronyms
checked for capitals, longest match and nesting rules, out-of-taxonomy keyphrases and each mention's
sentence.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.ingest import load_sources  # noqa: E402


def notes_pipeline():  # type: ignore[no-untyped-def]
    """(nlp, matcher): blank English, lookup lemmatizer, PhraseMatcher on LEMMA over the taxonomy."""
    import spacy
    from spacy.matcher import PhraseMatcher

    from matcher.capabilities.taxonomy import get_taxonomy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    for cap in get_taxonomy():
        matcher.add(cap.id, list(nlp.pipe([s.lower() for s in cap.synonyms])))
    return nlp, matcher


def per_cpu_second(run, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    run(texts)  # warm
    started = time.process_time()
    run(texts)
    return round(len(texts) / (time.process_time() - started), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    from matcher.capabilities.extractor import get_extractor

    titles, abstracts, _, _ = load_sources()
    rng = random.Random(args.seed)
    sets = {"abstracts": [rng.choice(abstracts) for _ in range(args.texts)],
            "titles": [rng.choice(titles) for _ in range(args.texts)]}
    sets["paragraphs_80_words"] = [" ".join(t.split()[:80]) for t in sets["abstracts"]]
    nlp, matcher = notes_pipeline()
    extractor = get_extractor()

    def spacy_run(texts: list[str]) -> None:
        for doc in nlp.pipe([t.lower() for t in texts]):
            matcher(doc)

    def ours(texts: list[str]) -> None:
        for text in texts:
            extractor.extract(text)

    out: dict[str, object] = {}
    for name, texts in sets.items():
        out[f"{name}_mean_chars"] = round(sum(map(len, texts)) / len(texts))
        out[f"{name}_notes_pipeline_per_cpu_s"] = per_cpu_second(spacy_run, texts)
        out[f"{name}_extractor_per_cpu_s"] = per_cpu_second(ours, texts)
    print(json.dumps({**out, "load_avg": os.getloadavg()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
