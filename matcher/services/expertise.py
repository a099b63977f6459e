"""A researcher's expertise as their own corrected evidence shows it, and why a text fits it.

Read by the researcher's profile page (what the site believes they know) and by digests (the reasons
an item is mailed: "you match because of X, shown in your paper Y"). Removed capabilities and excluded
publications never count; added capabilities count with a fixed weight even without a document; the
researcher's recency half-life fades old work.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from matcher.capabilities.taxonomy import get_taxonomy
from matcher.models import Researcher
from matcher.repositories import capabilities as capability_queries
from matcher.repositories import documents as document_queries
from matcher.types import CapabilityMention

ADDED_CAPABILITY_WEIGHT = 2.0
PARENT_MATCH_FACTOR = 0.5
EVIDENCE_PER_CAPABILITY = 2
MAX_REASONS = 3
ADDED_BY_YOU = "added by you"
ADDED_PLACEHOLDER = "Added by you"  # the line of a capability the researcher added without a sentence


@dataclass(frozen=True)
class EvidenceLine:
    """One sentence of the researcher's own work that shows a capability."""

    sentence: str
    source: str  # e.g. "Laser welding of thin sheets (2021)" or "added by you"
    document_id: str | None = None

    @property
    def declared(self) -> bool:
        """The researcher's own statement on their profile, not a sentence of their work: a digest says so
        in the reader's language instead of quoting an English placeholder."""
        return self.source == ADDED_BY_YOU

    @property
    def quote(self) -> str:
        """The sentence worth quoting: empty for the placeholder of a capability added without one."""
        return "" if self.sentence == ADDED_PLACEHOLDER else self.sentence


@dataclass(frozen=True)
class Reason:
    """Why an item fits: a capability it asks for, and where the researcher shows it."""

    capability_id: str
    label: str
    item_sentence: str
    evidence: tuple[EvidenceLine, ...]
    via_parent: str | None = None  # the researcher's broader capability when matched through the taxonomy


@dataclass
class Expertise:
    """One capability of the researcher: its recency-weighted strength and the sentences showing it."""

    label: str
    weight: float = 0.0
    evidence: list[tuple[float, EvidenceLine]] = field(default_factory=list)


def researcher_expertise(session: Session, researcher: Researcher,
                         now: datetime | None = None) -> dict[str, Expertise]:
    """The researcher's capabilities after their own corrections, with recency-weighted evidence."""
    year_now = (now or datetime.now(timezone.utc)).year
    removed = set(researcher.removed_capabilities or ())
    excluded = document_queries.excluded_document_ids(session, researcher.id)
    # Extracted evidence hangs on the researcher's documents; declared evidence on the researcher.
    rows = capability_queries.evidence_with_documents(session, researcher.id)
    out: dict[str, Expertise] = {}
    half_life = researcher.recency_half_life
    for ev, title, year in rows:
        if ev.capability_id in removed or (ev.document_id is not None and ev.document_id in excluded):
            continue
        weight = float(ev.weight or 0.0)
        if half_life and half_life > 0 and year:
            weight *= 0.5 ** (max(0, year_now - int(year)) / half_life)
        entry = out.setdefault(ev.capability_id, Expertise(ev.capability_label))
        entry.weight += weight
        if ev.source == "researcher" or ev.document_id is None:
            line = EvidenceLine(ev.sentence or ADDED_PLACEHOLDER, ADDED_BY_YOU, None)
        else:
            source = f"{title} ({year})" if title and year else (title or "publication")
            line = EvidenceLine(ev.sentence, source, ev.document_id)
        if line.sentence:
            entry.evidence.append((weight, line))
    added = [c for c in (researcher.added_capabilities or ()) if c not in removed]
    if added:
        labels = capability_queries.taxonomy_labels(session, added)
        for cid in added:
            entry = out.setdefault(cid, Expertise(labels.get(cid, cid)))
            entry.weight = max(entry.weight, ADDED_CAPABILITY_WEIGHT)
            if not any(line.source == ADDED_BY_YOU for _, line in entry.evidence):
                entry.evidence.append((ADDED_CAPABILITY_WEIGHT, EvidenceLine(ADDED_PLACEHOLDER, ADDED_BY_YOU)))
    return out


def best_evidence(entry: Expertise, limit: int = EVIDENCE_PER_CAPABILITY) -> tuple[EvidenceLine, ...]:
    """The entry's strongest distinct sentences."""
    seen: set[str] = set()
    picked: list[EvidenceLine] = []
    for _, line in sorted(entry.evidence, key=lambda pair: -pair[0]):
        if line.sentence in seen:
            continue
        seen.add(line.sentence)
        picked.append(line)
        if len(picked) == limit:
            break
    return tuple(picked)


def explain_fit(mentions: Sequence[CapabilityMention],
                expertise: dict[str, Expertise]) -> tuple[float, tuple[Reason, ...]]:
    """Capabilities the text asks for that the researcher has, as a saturating sum (breadth beats volume),
    with the strongest few as reasons."""
    taxonomy = get_taxonomy()
    strength_sum = 0.0
    reasons: list[tuple[float, Reason]] = []
    done: set[str] = set()
    for mention in mentions:
        if mention.capability_id in done:
            continue
        done.add(mention.capability_id)
        entry, factor, via = expertise.get(mention.capability_id), 1.0, None
        if entry is None:
            for parent in taxonomy.ancestors(mention.capability_id)[:1]:
                if parent.id in expertise:
                    entry, factor, via = expertise[parent.id], PARENT_MATCH_FACTOR, expertise[parent.id].label
        if entry is None or entry.weight <= 0:
            continue
        strength = factor * (1.0 - math.exp(-entry.weight))
        strength_sum += strength
        reasons.append((strength, Reason(mention.capability_id, mention.label, mention.sentence,
                                         best_evidence(entry), via)))
    # The strongest few reasons explain; a long list of weak ones only hides them.
    strongest = sorted(reasons, key=lambda pair: -pair[0])[:MAX_REASONS]
    return strength_sum, tuple(reason for _, reason in strongest)
