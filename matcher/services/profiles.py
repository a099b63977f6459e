"""A researcher's control over how they are described: claim, correct expertise, settings, own data.

Every change that affects ranking re-indexes the researcher (`matcher.indexing.index_entities`),
so the next search reflects it. What ranking must honour (implemented in matcher.services.matching /
matcher.ranking, not here):

* ``DocumentEntity.excluded`` = True for (document, researcher): the document is no evidence of that
  researcher (no score, no evidence sentence); it still counts for its other authors.
* ``Researcher.removed_capabilities`` (list of capability ids): evidence rows with those ids never
  count for the researcher, whatever their source.
* ``Researcher.added_capabilities`` (list of capability ids): count as evidence even without a
  document. Each one is also stored as a ``CapabilityEvidence`` row with ``source="researcher"``,
  ``document_id=None`` so an evidence-row-based ranking picks it up without reading the list.
* ``Researcher.recency_half_life`` (years, None = no decay): evidence from a document of year y
  weighs ``0.5 ** ((this_year - y) / half_life)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from matcher.capabilities.extractor import get_extractor
from matcher.indexing import index_entities
from matcher.korean import has_hangul
from matcher.models import (
    AuditLog,
    Capability,
    CapabilityEvidence,
    Organization,
    Researcher,
    User,
)
from matcher.regions import normalise_region
from matcher.repositories import accounts as account_queries
from matcher.repositories import capabilities as capability_queries
from matcher.repositories import documents as document_queries
from matcher.repositories import network as network_queries
from matcher.runtime import Runtime
from matcher.types import DIGEST_FREQUENCIES


MAX_REGIONS = 20
MAX_HALF_LIFE = 50.0


class ProfileError(ValueError):
    """A request the profile cannot honour (unknown capability, bad setting); the message is shown to the user."""


@dataclass(frozen=True)
class CapabilityView:
    id: str
    label: str
    weight: float
    sentences: tuple[str, ...]
    added: bool


@dataclass(frozen=True)
class PublicationView:
    document_id: str
    title: str
    year: int | None
    kind: str
    excluded: bool


@dataclass(frozen=True)
class ProfileView:
    id: str
    name: str
    organization: str | None
    email: str | None  # shown to the researcher themself only
    digest_frequency: str
    last_digest_at: datetime | None
    recency_half_life: float | None
    regions_of_interest: tuple[str, ...]
    capabilities: tuple[CapabilityView, ...]
    removed: tuple[tuple[str, str], ...]  # (id, label)
    publications: tuple[PublicationView, ...]
    claimed_by_user_id: int | None = None


@dataclass(frozen=True)
class ClaimTarget:
    id: str
    name: str
    email: str | None  # never rendered: the claim link goes to it
    claimed_by_user_id: int | None


@dataclass(frozen=True)
class CapabilityOption:
    id: str
    label: str
    parent_label: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def reindex(runtime: Runtime, researcher_id: str) -> None:
    """Make the search index reflect the researcher's corrections now, not at the next rebuild."""
    index_entities(runtime, [researcher_id])


def audit_change(session: Any, user_id: int | None, action: str, researcher_id: str, before: dict[str, Any],
                 after: dict[str, Any]) -> None:
    """One audit row for a change made to a researcher's profile."""
    session.add(AuditLog(user_id=user_id, action=action, target_type="researcher", target_id=researcher_id,
                         before=before, after=after))


def researcher_row(session: Any, researcher_id: str) -> Researcher:
    """The researcher's row, or ProfileError naming an unknown one."""
    row = session.get(Researcher, researcher_id)
    if row is None:
        raise ProfileError("unknown researcher")
    return row


# --------------------------------------------------------------------------- reading


def researcher_for_user(runtime: Runtime, user_id: int) -> str | None:
    with runtime.db.session() as session:
        user = session.get(User, user_id)
        return user.researcher_id if user is not None and user.role == "researcher" and user.active else None


def get_profile_view(runtime: Runtime, researcher_id: str) -> ProfileView | None:
    """Everything the researcher's own page shows, including what they removed so they can restore it."""
    from matcher.services.expertise import researcher_expertise

    with runtime.db.session() as session:
        row = session.get(Researcher, researcher_id)
        if row is None:
            return None
        org = session.get(Organization, row.organization_id) if row.organization_id else None
        expertise = researcher_expertise(session, row)
        added = set(row.added_capabilities or ())
        caps = tuple(sorted(
            (CapabilityView(cid, e.label, round(e.weight, 3),
                            tuple(dict.fromkeys(line.sentence for _, line in sorted(e.evidence, key=lambda p: -p[0])
                                                if line.source != "added by you"))[:2],
                            cid in added)
             for cid, e in expertise.items() if not cid.startswith("kp:")),
            key=lambda c: (-c.weight, c.label)))
        removed_ids = list(row.removed_capabilities or ())
        labels = capability_queries.labels_of(session, removed_ids)
        pubs = document_queries.publications_of(session, researcher_id)
        return ProfileView(
            id=row.id, name=row.name, organization=org.name if org else None,
            email=network_queries.digest_address(session, row),
            digest_frequency=row.digest_frequency, last_digest_at=row.last_digest_at,
            recency_half_life=row.recency_half_life, regions_of_interest=tuple(row.regions_of_interest or ()),
            capabilities=caps, removed=tuple((cid, labels.get(cid, cid)) for cid in removed_ids),
            publications=tuple(PublicationView(d, t, y, k, bool(x)) for d, t, y, k, x in pubs),
            claimed_by_user_id=row.claimed_by_user_id,
        )


def search_capabilities(runtime: Runtime, query: str, limit: int = 25) -> list[CapabilityOption]:
    """Taxonomy capabilities whose label contains `query` (LIKE wildcards in the query are literal); a query
    in Korean is looked up among the Korean names of the capabilities and KSIC industries."""
    needle = " ".join(query.split())[:100]
    if len(needle) < 2:
        return []
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with runtime.db.session() as session:
        if has_hangul(needle):
            named = get_extractor().capabilities_named_in_korean(needle)
            rows = capability_queries.capabilities_by_ids(session, named[: limit * 4])[:limit]
        else:
            rows = capability_queries.capabilities_like(session, f"%{escaped.lower()}%", limit)
        parent_labels = capability_queries.taxonomy_labels(session, {c.parent_id for c in rows if c.parent_id})
        return [CapabilityOption(c.id, c.label, parent_labels.get(c.parent_id or "")) for c in rows]


# --------------------------------------------------------------------------- corrections


def remove_capability(runtime: Runtime, researcher_id: str, capability_id: str, user_id: int | None = None) -> None:
    """The capability stops counting for this researcher; extracted evidence is kept so it can be restored."""
    with runtime.db.session() as session:
        row = researcher_row(session, researcher_id)
        removed, added = list(row.removed_capabilities or ()), list(row.added_capabilities or ())
        before = {"removed": list(removed), "added": list(added)}
        if capability_id not in removed:
            removed.append(capability_id)
        added = [c for c in added if c != capability_id]
        row.removed_capabilities, row.added_capabilities = removed, added
        capability_queries.delete_declared_evidence(session, researcher_id, capability_id)
        audit_change(session, user_id, "researcher.capability.remove", researcher_id, before,
               {"removed": removed, "added": added})
    reindex(runtime, researcher_id)


def restore_capability(runtime: Runtime, researcher_id: str, capability_id: str, user_id: int | None = None) -> None:
    """Undo a removal: the extracted evidence counts again."""
    with runtime.db.session() as session:
        row = researcher_row(session, researcher_id)
        before = list(row.removed_capabilities or ())
        row.removed_capabilities = [c for c in before if c != capability_id]
        audit_change(session, user_id, "researcher.capability.restore", researcher_id, {"removed": before},
               {"removed": row.removed_capabilities})
    reindex(runtime, researcher_id)


def add_capability(runtime: Runtime, researcher_id: str, capability_id: str, user_id: int | None = None) -> str:
    """Declare a capability from the taxonomy that the documents do not show; returns its label."""
    with runtime.db.session() as session:
        row = researcher_row(session, researcher_id)
        cap = session.get(Capability, capability_id)
        if cap is None:
            raise ProfileError("unknown capability")
        removed, added = list(row.removed_capabilities or ()), list(row.added_capabilities or ())
        before = {"removed": list(removed), "added": list(added)}
        if capability_id not in added:
            added.append(capability_id)
        row.added_capabilities = added
        row.removed_capabilities = [c for c in removed if c != capability_id]
        exists = capability_queries.declared_evidence_id(session, researcher_id, capability_id)
        if exists is None:
            session.add(CapabilityEvidence(entity_id=researcher_id, capability_id=cap.id, capability_label=cap.label,
                                           document_id=None, sentence="Added by the researcher", weight=2.0,
                                           source="researcher"))
        audit_change(session, user_id, "researcher.capability.add", researcher_id, before,
               {"removed": row.removed_capabilities, "added": added})
        label = cap.label
    reindex(runtime, researcher_id)
    return label


def set_publication_excluded(runtime: Runtime, researcher_id: str, document_id: str, excluded: bool,
                             user_id: int | None = None) -> None:
    """Exclude (or re-include) one of the researcher's own documents from their expertise."""
    with runtime.db.session() as session:
        link = document_queries.link_of(session, document_id, researcher_id)
        if link is None:
            raise ProfileError("this publication is not linked to your profile")
        before = bool(link.excluded)
        link.excluded = excluded
        audit_change(session, user_id, "researcher.publication.exclude" if excluded else "researcher.publication.include",
               researcher_id, {"document_id": document_id, "excluded": before},
               {"document_id": document_id, "excluded": excluded})
    reindex(runtime, researcher_id)


def normalise_regions(values: list[str] | str) -> list[str]:
    items = values.split(",") if isinstance(values, str) else values
    out: list[str] = []
    for item in items:
        region = normalise_region(item)
        if region and region.casefold() not in {r.casefold() for r in out}:
            out.append(region)
    if len(out) > MAX_REGIONS:
        raise ProfileError(f"at most {MAX_REGIONS} regions")
    return out


def update_settings(runtime: Runtime, researcher_id: str, *, digest_frequency: str, recency_half_life: float | None,
                    regions_of_interest: list[str] | str, user_id: int | None = None) -> None:
    """Digest frequency, recency preference and regions; validated here so every caller gets the same rules."""
    if digest_frequency not in DIGEST_FREQUENCIES:
        raise ProfileError(f"digest frequency must be one of {', '.join(DIGEST_FREQUENCIES)}")
    if recency_half_life is not None and not (0 < recency_half_life <= MAX_HALF_LIFE):
        raise ProfileError(f"the recency half-life must be between 0 and {MAX_HALF_LIFE:g} years")
    regions = normalise_regions(regions_of_interest)
    with runtime.db.session() as session:
        row = researcher_row(session, researcher_id)
        before = {"digest_frequency": row.digest_frequency, "recency_half_life": row.recency_half_life,
                  "regions_of_interest": list(row.regions_of_interest or ())}
        row.digest_frequency = digest_frequency
        row.recency_half_life = recency_half_life
        row.regions_of_interest = regions
        audit_change(session, user_id, "researcher.settings", researcher_id, before,
               {"digest_frequency": digest_frequency, "recency_half_life": recency_half_life,
                "regions_of_interest": regions})
    reindex(runtime, researcher_id)


def unsubscribe(runtime: Runtime, researcher_id: str) -> bool:
    """One-click unsubscribe: digests off. Returns False for an unknown researcher."""
    with runtime.db.session() as session:
        row = session.get(Researcher, researcher_id)
        if row is None:
            return False
        if row.digest_frequency != "off":
            audit_change(session, None, "researcher.unsubscribe", researcher_id,
                   {"digest_frequency": row.digest_frequency}, {"digest_frequency": "off"})
            row.digest_frequency = "off"
        return True


# --------------------------------------------------------------------------- claim


def claim_target(runtime: Runtime, researcher_id: str) -> ClaimTarget | None:
    with runtime.db.session() as session:
        row = session.get(Researcher, researcher_id)
        if row is None or row.merged_into_id:
            return None
        return ClaimTarget(row.id, row.name, row.email, row.claimed_by_user_id)


def claim_profile(runtime: Runtime, researcher_id: str, user_id: int) -> str:
    """Link a researcher account to the profile its owner proved (by the emailed link) to be theirs.

    Returns "claimed", "already_yours", "claimed_by_other", "not_researcher" or "linked_elsewhere".
    """
    with runtime.db.session() as session:
        row = researcher_row(session, researcher_id)
        user = session.get(User, user_id)
        if user is None or user.role != "researcher" or not user.active:
            return "not_researcher"
        if row.claimed_by_user_id not in (None, user.id):
            return "claimed_by_other"
        if user.researcher_id not in (None, researcher_id):
            return "linked_elsewhere"
        if row.claimed_by_user_id == user.id and user.researcher_id == researcher_id:
            return "already_yours"
        row.claimed_by_user_id = user.id
        user.researcher_id = researcher_id
        audit_change(session, user.id, "researcher.claim", researcher_id, {}, {"user_id": user.id})
        return "claimed"


def create_claiming_account(runtime: Runtime, researcher_id: str, password_hash: str) -> int | None:
    """A researcher account for the profile's stored address, linked to it; None if that address has an account."""
    with runtime.db.session() as session:
        row = researcher_row(session, researcher_id)
        if not row.email or row.claimed_by_user_id is not None:
            return None
        if account_queries.email_taken(session, row.email.lower()):
            return None
        user = User(email=row.email, password_hash=password_hash, role="researcher", display_name=row.name,
                    researcher_id=row.id)
        session.add(user)
        session.flush()
        row.claimed_by_user_id = user.id
        audit_change(session, user.id, "researcher.claim", researcher_id, {}, {"user_id": user.id, "new_account": True})
        return user.id


def account_exists_for(runtime: Runtime, email: str) -> bool:
    with runtime.db.session() as session:
        return account_queries.email_taken(session, email.lower())
