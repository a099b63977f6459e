"""Team suggestion: a research partner, a piece of equipment and an institute project that together
cover more of a problem's capabilities than any single hit.

Why: a manufacturer's problem often needs skills, a machine and a running project at once; the ranked
lists answer each separately. Greedy set cover over the problem's shown (curated) capabilities, one
member per role, relevance (the fused score of the one ranking pass) breaking ties. Pure: works on the
matches the ranking already produced.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from matcher.types import Match

#: Roles of a team, in the order they are listed; each maps to the entity kinds that can fill it.
ROLES: dict[str, tuple[str, ...]] = {"partner": ("researcher", "lab"), "equipment": ("equipment",),
                                     "project": ("project",)}
#: Candidates considered per role: the best few by relevance (as many as the overview page shows), so a weak
#: hit never joins for one capability and the page and the API propose the same team.
POOL_SIZE = 4

Reason = Literal["covers", "relevant"]


@dataclass(frozen=True)
class TeamMember:
    """One member and why it is there: the capabilities it adds, or (reason "relevant") none new but some shared."""

    role: str
    match: Match
    reason: Reason
    adds: tuple[str, ...]  # capability ids no earlier member covered
    shares: tuple[str, ...]  # capability ids of the problem it has that an earlier member covers too


@dataclass(frozen=True)
class Team:
    """The suggested consortium and how much of the problem it covers."""

    members: tuple[TeamMember, ...]
    capabilities: tuple[str, ...]  # the problem's capabilities, in text order
    covered: tuple[str, ...]
    uncovered: tuple[str, ...]
    best_single: int  # most problem capabilities any single considered hit covers


def capabilities_of(match: Match, label_to_id: Mapping[str, str]) -> set[str]:
    """The problem capabilities a match shows (its matched labels, mapped back to ids)."""
    return {label_to_id[label] for label in match.capabilities if label in label_to_id}


def suggest_team(problem_caps: Sequence[str], labels: Mapping[str, str],
                 pools: Mapping[str, Sequence[Match]], pool_size: int = POOL_SIZE) -> Team | None:
    """Greedy cover, one member per role; None when a single hit already covers as much as a team would.

    `labels` maps each problem capability id to the label matches carry; `pools` maps a role to its
    candidates, best first.
    """
    wanted = list(dict.fromkeys(c for c in problem_caps if c in labels))
    if len(wanted) < 2:
        return None
    label_to_id = {labels[c]: c for c in wanted}
    caps = {role: [(m, capabilities_of(m, label_to_id)) for m in pool[:pool_size]] for role, pool in pools.items()}
    best_single = max((len(c) for items in caps.values() for _, c in items), default=0)
    uncovered = set(wanted)
    open_roles = [r for r in ROLES if caps.get(r)]
    members: list[TeamMember] = []
    while open_roles:
        role, match, has = max(((r, m, c) for r in open_roles for m, c in caps[r]),
                               key=lambda t: (len(t[2] & uncovered), t[1].score))
        adds = has & uncovered
        if not adds:
            break
        members.append(TeamMember(role, match, "covers", _ordered(adds, wanted), _ordered(has - adds, wanted)))
        uncovered -= adds
        open_roles.remove(role)
    covered_count = len(wanted) - len(uncovered)
    if len(members) < 2 or covered_count <= best_single:
        return None
    for role in open_roles:  # a role that adds nothing new: its most relevant candidate sharing a capability
        sharing = [(m, c) for m, c in caps[role] if c]
        if sharing:
            match, has = max(sharing, key=lambda t: t[0].score)
            members.append(TeamMember(role, match, "relevant", (), _ordered(has, wanted)))
    members.sort(key=lambda m: list(ROLES).index(m.role))
    covered = [c for c in wanted if c not in uncovered]
    return Team(tuple(members), tuple(wanted), tuple(covered), _ordered(uncovered, wanted), best_single)


def _ordered(ids: set[str], order: Sequence[str]) -> tuple[str, ...]:
    return tuple(c for c in order if c in ids)
