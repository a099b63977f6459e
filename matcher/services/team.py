"""Team suggestion for a problem text: what web and API call (matcher.ranking.team does the cover).

Why a service: the page reuses the overview's one ranking pass (team_from_results); the API, which has
no overview, ranks the three roles in one pass here (suggest).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from matcher.capabilities.shown import shown_capability_ids, shown_labels
from matcher.ranking.team import POOL_SIZE, ROLES, Team, suggest_team
from matcher.runtime import Runtime
from matcher.types import MatchResult


def team_from_results(text: str, by_role: Mapping[str, MatchResult]) -> Team | None:
    """A team from ranked results already computed for the roles (keys of matcher.ranking.team.ROLES)."""
    caps = shown_capability_ids(text)
    if len(caps) < 2:
        return None
    return suggest_team(caps, shown_labels(caps), {role: by_role[role].matches for role in ROLES if role in by_role})


def suggest(runtime: Runtime, text: str, *, regions: Sequence[str] | None = None) -> Team | None:
    """Rank the three roles in one pass and suggest a team (None: fewer than two capabilities, or no gain)."""
    from matcher.services.matching import match_groups

    if len(shown_capability_ids(text)) < 2:
        return None
    results = match_groups(runtime, text, ROLES, per_group=POOL_SIZE, regions=regions)
    return team_from_results(text, results)
