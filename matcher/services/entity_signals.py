"""Per-entity relevance signals beside the pooled ones of match(): today the distinctive signal
(matcher.ranking.distinctive), which needs the rebuild's term vectors and, for a document imported since, its text."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from matcher.ranking.distinctive import candidate_signal
from matcher.ranking.relevance import CandidateTable
from matcher.ranking.scorer import ScorerConfig
from matcher.ranking.term_vectors import document_text
from matcher.runtime import Runtime


def entity_signals(runtime: Runtime, session: Session, cfg: ScorerConfig, search_text: str, every_signal: bool,
                   table: CandidateTable) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """signal name -> (value, has a value) per candidate of `table`: distinctive, when the rebuild stored term
    vectors and it weighs (~4-8 ms a search: a short problem's weights leave it out) or `every_signal` asks."""
    if not (every_signal or cfg.weights.get("distinctive") or cfg.weights.get("distinctive_short")):
        return {}
    terms = runtime.term_vectors
    query = terms.query(search_text) if len(terms) and table.doc_ids else None
    if query is None:
        return {}

    def texts_of(doc_ids: Sequence[str]) -> dict[str, str]:
        return {d: document_text(t.title, t.text) for d, t in runtime.attributes.texts(session, doc_ids).items()}

    return {"distinctive": candidate_signal(query, terms, table.doc_ids, table.owner, len(table.ids),
                                            texts_of=texts_of)}
