"""The errors of curation: a decision that cannot be taken as asked, and a missing consent.

Kept in their own module because every curation module raises them (decisions, partners,
introductions), so none of those modules has to import another to do so. Both are OutcomeErrors:
their message is safe to show.
"""
from __future__ import annotations

from .outcomes import OutcomeError


class CurationError(OutcomeError):
    """A decision that cannot be taken as asked; the message is safe to show."""


class ConsentRequired(CurationError):
    """An anonymous problem's owner has not agreed to be introduced yet."""
