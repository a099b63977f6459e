"""Researcher digests: what is new for a researcher since their last digest, and why it fits them.

`build_digest` only reads. Each new public or anonymous problem and each new institute project is
ranked once per run by the site's own ranking (matcher.services.matching.match, researchers only): a
researcher hears of an item only when the site puts them among its best TOP_RESEARCHERS_PER_ITEM
candidates, and the items are ordered by the score the site gives them there, so every ranking
feature reaches digests as it reaches the search page. The researcher's own corrected evidence
(matcher.services.expertise) then says why ("you match because of X, shown in your paper Y"); an item
it cannot explain is not mailed. Before anything is indexed (a fresh install), the ranking has no
opinion and the researcher's evidence alone decides and orders.

Sending each digest exactly once is matcher.services.digest_sending.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from matcher.capabilities.extractor import get_extractor
from matcher.models import Researcher
from matcher.repositories import documents as document_queries
from matcher.repositories import network as network_queries
from matcher.repositories import problems as problem_queries
from matcher.runtime import Runtime
from matcher.services import matching
from matcher.services.expertise import Expertise, Reason, explain_fit, researcher_expertise
from matcher.timeutil import aware, as_utc
from matcher.types import CapabilityMention

DIGEST_VISIBILITIES = ("public", "anonymous")  # never "private"
MAX_ITEMS = 10
#: The explanation an item needs: one capability backed by one recent sentence scores ~0.63.
MIN_EXPLANATION = 0.5
#: An item reaches a researcher only if the matcher ranks them among its best this many researchers.
TOP_RESEARCHERS_PER_ITEM = 30


@dataclass(frozen=True)
class DigestItem:
    kind: str  # "problem" | "project"
    id: str
    title: str
    summary: str
    organization: str | None  # None for anonymous problems: the firm is never named
    region: str | None
    created_at: datetime
    path: str  # path on the public site, joined to PUBLIC_BASE_URL by the renderer
    score: float  # the site's ranking score of the researcher for this item (their evidence's before indexing)
    reasons: tuple[Reason, ...]

    def as_log(self) -> dict[str, Any]:
        """What the digest log keeps of an item: enough to audit what was mailed."""
        return {"kind": self.kind, "id": self.id, "title": self.title, "score": round(self.score, 3),
                "capabilities": [r.label for r in self.reasons]}


@dataclass(frozen=True)
class Digest:
    researcher_id: str
    researcher_name: str
    email: str | None
    frequency: str
    since: datetime
    until: datetime
    items: tuple[DigestItem, ...]


class ItemAnalyses:
    """What a digest run learns about each new item once, however many researchers it is checked for.

    An item's capability mentions and its ranking do not depend on the recipient, so one run extracts
    and ranks each item once, with the researchers' corrections as they are at the start of the run.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._mentions: dict[str, tuple[CapabilityMention, ...]] = {}
        self._scores: dict[str, dict[str, float]] = {}

    def mentions(self, item_id: str, text: str) -> tuple[CapabilityMention, ...]:
        """The taxonomy capabilities the whole text asks for (keyphrases left out), in text order.

        Extracted here rather than taken from match(), which reads only a problem's first 5,000 characters.
        """
        if item_id not in self._mentions:
            self._mentions[item_id] = tuple(m for m in get_extractor().extract(text) if not m.is_keyphrase)
        return self._mentions[item_id]

    def scores(self, item_id: str, text: str) -> dict[str, float]:
        """researcher id -> the site's score, for the best TOP_RESEARCHERS_PER_ITEM researchers of the item."""
        if item_id not in self._scores:
            result = matching.match(self.runtime, text, kinds=["researcher"], limit=TOP_RESEARCHERS_PER_ITEM,
                                    explain_page=False, arranged=False)  # who fits, not a page to read
            self._scores[item_id] = {m.entity_id: m.score for m in result.matches}
        return self._scores[item_id]


def _fits(analyses: ItemAnalyses, item_id: str, text: str, researcher_id: str,
          expertise: dict[str, Expertise]) -> tuple[float, tuple[Reason, ...]] | None:
    """The item's score for this researcher and the reasons to show, or None when it does not fit."""
    strength, reasons = explain_fit(analyses.mentions(item_id, text), expertise)
    if strength < MIN_EXPLANATION:
        return None
    scores = analyses.scores(item_id, text)
    if not scores:  # nothing indexed to rank with: the researcher's evidence decides
        return strength, reasons
    score = scores.get(researcher_id)
    return (score, reasons) if score is not None else None


def _in_regions(region: str | None, regions: Sequence[str]) -> bool:
    """No regions of interest means everywhere; an item of unknown region is kept (it may be remote work)."""
    if not regions or not region:
        return True
    return region.casefold() in {r.casefold() for r in regions}


def _summary(text: str | None, limit: int = 280) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def build_digest(
    runtime: Runtime,
    researcher: Researcher | str,
    since: datetime,
    *,
    until: datetime | None = None,
    max_items: int = MAX_ITEMS,
    analyses: ItemAnalyses | None = None,
) -> Digest | None:
    """New public/anonymous problems and institute projects in (since, until] that fit the researcher.

    Returns None when nothing fits, so the caller sends nothing. Reads only. A run over many
    researchers passes one `analyses`, so each item is ranked once.
    """
    until = aware(until or datetime.now(timezone.utc))
    since = aware(since)
    found = _fitting_items(runtime, researcher, since, until, analyses or ItemAnalyses(runtime))
    if found is None:
        return None
    row, fitting_items = found
    fitting = list(fitting_items)
    if not fitting:
        return None
    fitting.sort(key=lambda i: (-i.score, i.created_at, i.id))
    with runtime.db.session() as session:
        address = network_queries.digest_address(session, row)
    return Digest(row.id, row.name, address, row.digest_frequency, since, until, tuple(fitting[:max_items]))


def has_digest(runtime: Runtime, researcher: Researcher | str, since: datetime, *, until: datetime | None = None,
               analyses: ItemAnalyses | None = None) -> bool:
    """Whether build_digest would return a digest: stops at the first fitting item, so it ranks far fewer
    items (the demo's seeding asks this of researcher after researcher)."""
    found = _fitting_items(runtime, researcher, aware(since), aware(until or datetime.now(timezone.utc)),
                           analyses or ItemAnalyses(runtime))
    return found is not None and next(found[1], None) is not None


def _fitting_items(runtime: Runtime, researcher: Researcher | str, since: datetime, until: datetime,
                   analyses: ItemAnalyses) -> tuple[Researcher, Iterator[DigestItem]] | None:
    """The researcher's row and, lazily, the new items that fit them (each ranked only when reached);
    None for an unknown researcher or one without expertise."""
    with runtime.db.session() as session:
        row = session.get(Researcher, researcher if isinstance(researcher, str) else researcher.id)
        if row is None:
            return None
        expertise = researcher_expertise(session, row, until)
        if not expertise:
            return None
        regions = list(row.regions_of_interest or ())
        items = [item for item in _new_items(session, as_utc(since), as_utc(until))
                 if _in_regions(item[0].region, regions)]
        session.expunge(row)

    def fitting() -> Iterator[DigestItem]:
        for item, text in items:
            fit = _fits(analyses, item.id, text, row.id, expertise)
            if fit is not None:
                yield DigestItem(item.kind, item.id, item.title, item.summary, item.organization,
                                 item.region, item.created_at, item.path, fit[0], fit[1])

    return row, fitting()


def _new_items(session: Any, since: datetime, until: datetime) -> list[tuple[DigestItem, str]]:
    """Problems (public or anonymous, not closed) and projects created in (since, until], with the text to rank."""
    problems = problem_queries.problems_created_between(session, since, until, DIGEST_VISIBILITIES)
    projects = document_queries.projects_created_between(session, since, until)
    out = [(DigestItem("problem", p.id, p.title, _summary(p.text), firm if p.visibility == "public" else None,
                       p.region, aware(p.created_at), f"/problems/{p.id}", 0.0, ()), f"{p.title}. {p.text}")
           for p, firm in problems if p.visibility in DIGEST_VISIBILITIES]
    for project, institute in projects:
        title = f"{project.acronym}: {project.title}" if project.acronym else project.title
        out.append((DigestItem("project", project.id, title, _summary(project.description), institute,
                               project.region, aware(project.created_at), f"/entities/{project.id}", 0.0, ()),
                    f"{project.title}. {project.description or ''}"))
    return out
