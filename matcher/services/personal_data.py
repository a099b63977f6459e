"""A researcher's personal data: all of it exported (GDPR art. 15/20), or the person forgotten (art. 17).

Apart from the profile corrections (matcher.services.profiles) because it spans every table that holds
something of the person: accounts, digest logs, settings, and the audit of the deletion itself.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from matcher.models import Lab, Organization, User
from matcher.repositories import accounts as account_queries
from matcher.repositories import capabilities as capability_queries
from matcher.repositories import documents as document_queries
from matcher.repositories import operations as operation_queries
from matcher.runtime import Runtime
from matcher.services.profiles import audit_change, reindex, researcher_row


def export_personal_data(runtime: Runtime, researcher_id: str) -> dict[str, Any]:
    """Everything stored about the researcher as a person, plus their corrections (GDPR art. 15/20)."""
    with runtime.db.session() as session:
        row = researcher_row(session, researcher_id)
        org = session.get(Organization, row.organization_id) if row.organization_id else None
        lab = session.get(Lab, row.lab_id) if row.lab_id else None
        users = account_queries.accounts_of_researcher(session, researcher_id, row.claimed_by_user_id)
        docs = document_queries.publications_for_export(session, researcher_id)
        evidence = capability_queries.evidence_rows_of(session, researcher_id)
        logs = operation_queries.digest_logs_of(session, researcher_id)

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "researcher": {
                "id": row.id, "name": row.name, "orcid": row.orcid, "email": row.email, "bio": row.bio,
                "organization": org.name if org else None, "lab": lab.name if lab else None,
                "created_at": iso(row.created_at),
            },
            "settings": {
                "digest_frequency": row.digest_frequency, "last_digest_at": iso(row.last_digest_at),
                "recency_half_life": row.recency_half_life, "regions_of_interest": list(row.regions_of_interest or ()),
                "removed_capabilities": list(row.removed_capabilities or ()),
                "added_capabilities": list(row.added_capabilities or ()),
            },
            "accounts": [{"id": u.id, "email": u.email, "role": u.role, "created_at": iso(u.created_at)}
                         for u in users],
            "publications": [{"id": d, "kind": k, "title": t, "year": y, "doi": doi, "excluded": bool(x)}
                             for d, k, t, y, doi, x in docs],
            "capability_evidence": [{"capability_id": e.capability_id, "label": e.capability_label,
                                     "document_id": e.document_id, "sentence": e.sentence, "source": e.source,
                                     "weight": e.weight} for e in evidence],
            "digests": [{"period": g.period_key, "status": g.status, "sent_at": iso(g.sent_at), "items": g.items}
                        for g in logs],
        }


def delete_personal_data(runtime: Runtime, researcher_id: str, user_id: int | None = None) -> None:
    """Forget the person: address, digest settings and history, account link and the account's identity.

    Public publications and the (corrected) expertise derived from them stay: they are public record and
    the corrections keep the public profile accurate.
    """
    with runtime.db.session() as session:
        row = researcher_row(session, researcher_id)
        account_ids = account_queries.account_ids_of_researcher(session, researcher_id)
        if row.claimed_by_user_id:
            account_ids.add(row.claimed_by_user_id)
        row.email = None
        row.digest_frequency = "off"
        row.last_digest_at = None
        row.regions_of_interest = []
        row.claimed_by_user_id = None
        operation_queries.delete_digest_logs_of(session, researcher_id)
        for uid in account_ids:
            user = session.get(User, uid)
            if user is None:
                continue
            user.researcher_id = None
            if user.role == "researcher":
                # The account existed only to manage this profile: deactivate it and drop its identity.
                user.active = False
                user.email = f"deleted-{user.id}@invalid.invalid"
                user.display_name = None
                user.api_token_hash = None
        audit_change(session, user_id, "researcher.delete_personal_data", researcher_id, {},
               {"accounts": sorted(account_ids)})
    reindex(runtime, researcher_id)
