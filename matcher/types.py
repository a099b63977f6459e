"""Frozen value types shared by the store, the search backends, ranking and the web layer.

Kept free of SQLAlchemy and Flask so every layer can exchange them without import cycles.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EntityKind = Literal["researcher", "lab", "organization", "equipment", "project", "problem"]
DocumentKind = Literal["publication", "award", "equipment", "project", "profile", "problem"]

ENTITY_KINDS: tuple[str, ...] = ("researcher", "lab", "organization", "equipment", "project", "problem")
DOCUMENT_KINDS: tuple[str, ...] = ("publication", "award", "equipment", "project", "profile", "problem")

# Vocabularies: the values a status, kind or role column may hold. Declared here, not beside the models,
# so that web/ (forms, CLI choices, labels) names them without importing the store.
ROLES: tuple[str, ...] = ("sme", "researcher", "coordinator", "admin")
ORGANIZATION_KINDS: tuple[str, ...] = ("firm", "university", "research_institute", "innovation_institute", "hub", "other")
DIGEST_FREQUENCIES: tuple[str, ...] = ("off", "weekly", "monthly")
VISIBILITIES: tuple[str, ...] = ("private", "anonymous", "public")
MATCH_STAGES: tuple[str, ...] = ("suggested", "approved", "introduced", "meeting", "project_started", "commercialised")
MATCH_END_STATES: tuple[str, ...] = ("rejected", "closed")
REQUEST_KINDS: tuple[str, ...] = ("request", "interest")


@dataclass(frozen=True)
class Capability:
    """A node of the capability taxonomy (a technology or competence area)."""

    id: str
    label: str
    parent_id: str | None = None
    synonyms: tuple[str, ...] = ()
    scheme: str = ""


@dataclass(frozen=True)
class CapabilityMention:
    """One place in a text where a capability was recognised: the evidence for it."""

    capability_id: str
    label: str
    start: int  # character offset of the matched phrase in the text
    end: int
    sentence: str  # the sentence that contains the phrase, for explanations
    weight: float = 1.0
    is_keyphrase: bool = False  # True for terms outside the taxonomy


@dataclass(frozen=True)
class SearchDocument:
    """What a search backend stores about one document: ids and searchable fields only.

    SQL stays the source of truth; an index can always be rebuilt from it.
    """

    id: str
    kind: str  # a DocumentKind
    title: str
    text: str
    entity_ids: tuple[str, ...] = ()
    entity_kinds: tuple[str, ...] = ()  # the kinds of entity_ids, same order
    capabilities: tuple[str, ...] = ()  # capability ids
    region: str | None = None
    country: str | None = None
    year: int | None = None
    status: str | None = None
    visibility: str = "public"
    vector: tuple[float, ...] | None = None
    names: tuple[str, ...] = ()  # name keys (matcher.ranking.names) of the entity a profile describes


@dataclass(frozen=True)
class Filter:
    """The one portable filter type; each backend translates it into its own query language.

    A field left as None does not filter. Tuples mean "any of".
    """

    kinds: tuple[str, ...] | None = None  # document kinds
    entity_kinds: tuple[str, ...] | None = None
    entity_ids: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    capabilities: tuple[str, ...] | None = None
    year_min: int | None = None
    year_max: int | None = None
    statuses: tuple[str, ...] | None = None
    visibilities: tuple[str, ...] | None = ("public",)
    exclude_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Hit:
    """One document returned by a search backend, with its raw lexical score."""

    id: str
    score: float
    kind: str = ""
    entity_ids: tuple[str, ...] = ()
    length: int = 0  # words in title + text (document_length); 0 when the index does not know
    year: int | None = None  # the document's year, so ranking needs no SQL for it; None when unknown

    @classmethod
    def of(cls, id: str, score: float, kind: str, entity_ids: tuple[str, ...], length: int,
           year: int | None) -> Hit:
        """Hit(...) without the frozen class's six object.__setattr__ calls: a search builds a few hundred."""
        hit = object.__new__(cls)
        hit.__dict__.update(id=id, score=score, kind=kind, entity_ids=entity_ids, length=length, year=year)
        return hit


@dataclass(frozen=True)
class Evidence:
    """A piece of text that made a candidate match: shown to the user as the reason."""

    text: str
    source: str  # e.g. "publication: <title> (2021)": the English line kept for the API and stored matches
    document_id: str | None = None
    capability_ids: tuple[str, ...] = ()
    highlights: tuple[tuple[int, int], ...] = ()  # (start, end) offsets of matched terms in text
    year: int | None = None
    document_kind: str = ""  # "publication", "award", ...: apart from source, so a page can translate it
    document_title: str = ""

    def to_json(self) -> dict[str, Any]:
        """The form stored with a match (JSON column), so the explanation survives re-ranking."""
        return {"text": self.text, "source": self.source, "document_id": self.document_id,
                "capability_ids": list(self.capability_ids), "highlights": [list(h) for h in self.highlights],
                "year": self.year, "document_kind": self.document_kind, "document_title": self.document_title}

    @classmethod
    def from_json(cls, data: Any) -> Evidence:
        if not isinstance(data, dict):
            return cls(text=str(data), source="")
        return cls(text=str(data.get("text", "")), source=str(data.get("source", "")),
                   document_id=data.get("document_id"), capability_ids=tuple(data.get("capability_ids") or ()),
                   highlights=tuple((int(a), int(b)) for a, b in (data.get("highlights") or ())),
                   year=data.get("year"), document_kind=str(data.get("document_kind") or ""),
                   document_title=str(data.get("document_title") or ""))


@dataclass(frozen=True)
class Match:
    """A ranked candidate with the components of its score and the evidence behind it."""

    entity_id: str
    entity_kind: str
    name: str
    score: float
    components: dict[str, float] = field(default_factory=dict)
    capabilities: tuple[str, ...] = ()  # labels of matched capabilities
    evidence: tuple[Evidence, ...] = ()
    organization: str | None = None
    region: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchResult:
    """The answer to one problem: ranked matches per target kind, and how they were computed."""

    query: str
    matches: tuple[Match, ...]
    capabilities: tuple[CapabilityMention, ...] = ()
    total: int = 0
    semantic: bool = False  # False when the embedding model was unavailable
    took_ms: float = 0.0


#: Kind of the per-entity search documents: all of an entity's counted documents in one text, so
#: BM25 judges the whole body of work (TPMS-style profile) beside the per-document evidence.
ENTITY_PROFILE_KIND = "entity_profile"
#: Entity kinds that get a profile (equipment and projects are their own single document).
PROFILED_ENTITY_KINDS: tuple[str, ...] = ("researcher", "lab", "organization")


def profile_id(entity_id: str) -> str:
    """The search-index id of an entity's profile document."""
    return f"profile:{entity_id}"


def entity_kind(entity_id: str) -> str:
    """The kind an id names: ids are `<kind>:<key>` (`researcher:…`, `document:…`, `equipment:…`)."""
    return entity_id.split(":", 1)[0]


@dataclass(frozen=True)
class EntityCard:
    """What a result list needs to show an entity, and to keep one group from filling the page."""

    id: str
    kind: str
    name: str
    organization: str | None
    region: str | None
    group: str  # lab or organisation: the unit diversity is enforced over
    status: str | None = None
    recency_half_life: float | None = None
    added_capabilities: tuple[str, ...] = ()
    removed_capabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocText:
    """A document's shown fields, from which a match's evidence sentences are picked."""

    id: str
    kind: str
    title: str
    text: str
    year: int | None
    url: str | None
