"""The default local backend: the shared SplitBackend over two tantivy indexes, documents in INDEX_DIR
and entity profiles in INDEX_DIR/profiles.

Why two indexes, and the routing of writes and searches by kind, are in ``matcher.search.split``
(shared with Elasticsearch); this module only builds the two LocalBackends with their own tuning.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..split import SplitBackend
from .backend import LocalBackend

PROFILES_SUBDIR = "profiles"
#: The documents' search picks candidates and evidence (publications and awards are scored through their
#: entity's profile; only equipment and projects, one document each, by it), so it leaves out word
#: bigrams and, from problem texts, the words in more than 10% of the documents (LocalBackend
#: common_term_fraction). sbir-firms nDCG@10 0.698 -> 0.701 (5%: the same; 20%: 0.697; bigrams alone:
#: 0.698); at 1M documents the search fell from p50 31 / p95 49 ms to 9 / 15 ms.
DOCUMENT_COMMON_TERM_FRACTION = 0.1
#: ... and of a longer text's remaining words it keeps the 16 that the fewest documents hold: candidates
#: chosen by what is specific to the problem (the profiles' search, which scores, keeps every word).
#: sbir-firms (award texts of ~260 words) nDCG@10 0.7018 -> 0.7072, recall@10 0.7829 -> 0.7910, MRR
#: 0.6801 -> 0.6846; 8 to 16 words gave 0.706-0.708, 24-48 words 0.702-0.704; the same cut in the
#: profiles' search lowered nDCG@10 (16: 0.693, 64: 0.699).
DOCUMENT_MAX_QUERY_TERMS = 16


class SplitLocalBackend(SplitBackend[LocalBackend]):
    """SearchBackend over a documents index and a profiles index; the default ``local`` backend."""

    def __init__(self, index_dir: str | Path, **options: Any) -> None:
        self.index_dir = Path(index_dir)
        super().__init__(
            LocalBackend(self.index_dir, bigrams=False, common_term_fraction=DOCUMENT_COMMON_TERM_FRACTION,
                         max_query_terms=DOCUMENT_MAX_QUERY_TERMS, **options),
            LocalBackend(self.index_dir / PROFILES_SUBDIR, **options),
        )

    @property
    def rebuild_heap(self) -> int:
        return self.documents.rebuild_heap

    @staticmethod
    def _merge_health(documents: dict[str, Any], profiles: dict[str, Any]) -> dict[str, Any]:
        """Totals over both indexes, plus the number of profiles."""
        return {**documents, "documents": documents["documents"] + profiles["documents"],
                "profiles": profiles["documents"], "segments": documents["segments"] + profiles["segments"]}
