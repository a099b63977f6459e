"""Which capability mentions of a document or entity become stored CapabilityEvidence rows, and their shape.

Kept apart from the writer because it is a pure mapping from mentions to row values (one row per
capability, capped per document); the writer only decides when to extract and insert them. The
id-free half (`evidence_values`) is what extraction worker processes send back (indexers/extract_pool.py).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matcher.capabilities.extractor import DEFAULT_FIELD_WEIGHTS, CapabilityExtractor, aggregate_mentions
from matcher.korean import has_hangul

MAX_EVIDENCE_PER_DOCUMENT = 12
#: The CapabilityEvidence columns of one row besides entity_id and document_id, in EvidenceValues order.
VALUE_COLUMNS = ("capability_id", "capability_label", "start", "end", "sentence", "weight", "source")
EvidenceValues = tuple[str, str, int, int, str, float, str]
TITLE_WEIGHT, TEXT_WEIGHT = DEFAULT_FIELD_WEIGHTS["title"], DEFAULT_FIELD_WEIGHTS["text"]


def evidence_values(fields: dict[str, Sequence[Any]]) -> list[EvidenceValues]:
    """One row per capability (its strongest mention, weighted over fields) among the document's dozen
    strongest, keyphrases left out.

    Keyphrases (out-of-taxonomy phrases) still compete for the dozen, so the taxonomy rows kept are the
    ones kept when keyphrase rows were stored too; they are not stored because nothing reads them (every
    evidence read filters them out) and they were 40% of an import's evidence rows.
    A title mention's offsets are stored negated and swapped (start=-end, end=-start) so one pair of
    columns tells the display which field the span is in.
    """
    rows = []
    for score in aggregate_mentions(fields)[:MAX_EVIDENCE_PER_DOCUMENT]:
        if score.is_keyphrase:
            continue
        field, mention = score.mentions[0]
        title = field == "title"
        rows.append((score.capability_id[:255], score.label[:300], -mention.end if title else mention.start,
                     -mention.start if title else mention.end, mention.sentence[:1000], score.weight,
                     "extracted"))
    return rows


def pair_evidence(extractor: CapabilityExtractor, title: str, text: str) -> list[EvidenceValues]:
    """Extract one (title, text) pair and keep its evidence rows: the unit of work of an import."""
    title, text = title or "", text or ""
    if has_hangul(title) or has_hangul(text):
        title_mentions, text_mentions = extractor.extract_many([title, text])
        return evidence_values({"title": title_mentions, "text": text_mentions})
    return _latin_pair_evidence(extractor, title, text)


def _latin_pair_evidence(extractor: CapabilityExtractor, title: str, text: str) -> list[EvidenceValues]:
    """evidence_values() of a pair without Hangul, from the extractor's spans: the same rows (a test
    compares the two on the demo sample), but only the kept rows' sentences are cut out, no
    CapabilityMention or CapabilityScore is built for the ~25 mentions of which a dozen are kept, and
    a third of the documents need no keyphrases from their text.

    Ranking sorts by (weight, id), ids unique, so the order spans and capabilities arrive in only
    decides each capability's first span: the taxonomy spans keep their text order."""
    sentences = {}
    title_spans, sentences["title"] = extractor.latin_spans(title)
    text_spans, sentences["text"], text_keyphrases = extractor.taxonomy_spans(text)
    # The text's keyphrases (at most max_keyphrases distinct ones) only matter when they could push a
    # taxonomy capability out of the dozen; when every capability fits anyway, they are not looked for.
    fitting = (len({span[2] for span in title_spans} | {span[2] for span in text_spans})
               + extractor.max_keyphrases <= MAX_EVIDENCE_PER_DOCUMENT)
    if not fitting:
        text_spans = text_spans + text_keyphrases()  # own ids: no taxonomy capability's order changes
    per_cap: dict[str, list[Any]] = {}  # id -> [first span, its field, weight]
    for field, field_weight, spans in (("title", TITLE_WEIGHT, title_spans), ("text", TEXT_WEIGHT, text_spans)):
        by_cap: dict[str, list[float]] = {}
        for span in spans:
            weights = by_cap.get(span[2])
            if weights is None:
                by_cap[span[2]] = [span[4]]
                if span[2] not in per_cap:
                    per_cap[span[2]] = [span, field, 0.0]
            else:
                weights.append(span[4])
        for cid, weights in by_cap.items():  # aggregate_mentions' weight, field by field, title first
            raw = sum(weights)
            per_cap[cid][2] += field_weight * (raw if raw < 1 else 1 + math.log(raw))
    ranked = sorted(((round(w, 4), cid, span, field) for cid, (span, field, w) in per_cap.items()),
                    key=lambda r: (-r[0], r[1]))
    rows = []
    for weight, cid, (start, end, _, label, _, keyphrase), field in ranked[:MAX_EVIDENCE_PER_DOCUMENT]:
        if keyphrase:
            continue
        in_title = field == "title"
        rows.append((cid[:255], label[:300], -end if in_title else start, -start if in_title else end,
                     sentences[field].around(start, end)[:1000], weight, "extracted"))
    return rows


def as_dicts(entity_id: str, document_id: str | None, values: Sequence[EvidenceValues]) -> list[dict[str, Any]]:
    """Rows for an insert: the id-free values with the entity and document they belong to."""
    return [{"entity_id": entity_id, "document_id": document_id, **dict(zip(VALUE_COLUMNS, row))} for row in values]


def evidence_dicts(entity_id: str, document_id: str | None, fields: dict[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """evidence_values() as insertable dicts for one entity and document."""
    return as_dicts(entity_id, document_id, evidence_values(fields))
