"""Queries on the network: organisations, labs and researchers (merged records stay as pointers)."""
from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.orm import Session

from matcher.models import Lab, Organization, Researcher, User


def duplicate_name_rows(session: Session, model: Any) -> list[Any]:
    """Live (unmerged) rows of `model` whose normalised name another live row shares, by name then id."""
    keys = select(model.name_key).where(model.merged_into_id.is_(None), model.name_key != "").group_by(
        model.name_key).having(func.count() > 1)
    return list(session.scalars(select(model).where(model.merged_into_id.is_(None), model.name_key.in_(keys))
                                .order_by(model.name_key, model.id)))


def lab_members(session: Session, lab_id: str) -> list[Researcher]:
    """The lab's live researchers by name (merged-away records are not members)."""
    return list(session.scalars(select(Researcher).where(Researcher.lab_id == lab_id,
                                                         Researcher.merged_into_id.is_(None))
                                .order_by(Researcher.name)))


def labs_of(session: Session, organization_id: str) -> list[Row[Any]]:
    """Rows of (id, name) of an organisation's labs, by name."""
    return list(session.execute(select(Lab.id, Lab.name).where(Lab.organization_id == organization_id)
                                .order_by(Lab.name)).all())


def entity_regions(session: Session) -> dict[str, str | None]:
    """entity id -> region, through the organisation for people and labs."""
    org_region = dict(session.execute(select(Organization.id, Organization.region)).all())
    regions: dict[str, str | None] = dict(org_region)
    for rid, org in session.execute(select(Researcher.id, Researcher.organization_id)):
        regions[rid] = org_region.get(org) if org else None
    for lid, org in session.execute(select(Lab.id, Lab.organization_id)):
        regions[lid] = org_region.get(org) if org else None
    return regions


def names(session: Session, model: Any) -> Iterator[tuple[str, str | None]]:
    """(id, name) of every row of an organisation, lab or researcher table."""
    for entity_id, name in session.execute(select(model.id, model.name)):
        yield entity_id, name


def organization_extras(session: Session, ids: Sequence[str] | None = None) -> Iterator[tuple[str, Any]]:
    """(id, extra JSON) of every organisation, or of those of `ids`."""
    query = select(Organization.id, Organization.extra)
    if ids is not None:
        query = query.where(Organization.id.in_(ids))
    for oid, extra in session.execute(query):
        yield oid, extra


def browse_page(session: Session, model: Any, *, name_like: str | None, exact_id: str | None, include_merged: bool,
                limit: int, offset: int) -> tuple[list[Any], int]:
    """Researchers or organisations whose lower-cased name matches the escaped LIKE pattern (or whose id is
    `exact_id`), by name key, name and id; returns (page, total)."""
    stmt = select(model)
    if name_like is not None:
        stmt = stmt.where(or_(func.lower(model.name).like(name_like, escape="\\"), model.id == exact_id))
    if not include_merged:
        stmt = stmt.where(model.merged_into_id.is_(None))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(session.scalars(stmt.order_by(model.name_key, model.name, model.id).limit(limit).offset(offset)))
    return rows, int(total)


def holder_of(session: Session, model: Any, field: str, value: Any, *, other_than: str) -> str | None:
    """The id of another record of `model` whose unique `field` already holds `value`."""
    return session.scalar(select(model.id).where(getattr(model, field) == value, model.id != other_than))


def digest_subscribers(session: Session, frequencies: Collection[str]) -> list[tuple[Researcher, str]]:
    """Live researchers who chose one of these digest frequencies and have an address, by id, each with
    the address (see digest_address)."""
    address = func.coalesce(func.nullif(Researcher.email, ""), _account_email(Researcher.id,
                                                                            Researcher.claimed_by_user_id))
    rows = session.execute(
        select(Researcher, address)
        .where(Researcher.digest_frequency.in_(frequencies), address.is_not(None),
               Researcher.merged_into_id.is_(None))
        .order_by(Researcher.id)).all()
    return [(row, email) for row, email in rows]


def digest_address(session: Session, researcher: Researcher) -> str | None:
    """Where the researcher's digests go: the profile's email, else the email of the account that holds the
    profile (a profile from public data may carry none; its owner's account always has one)."""
    if researcher.email:
        return researcher.email
    return session.scalar(select(_account_email(researcher.id, researcher.claimed_by_user_id)))


def _account_email(researcher_id: Any, claimed_by_user_id: Any) -> Any:
    """The email of the (first) account that holds the profile: linked to it, or the one that claimed it."""
    return (select(User.email)
            .where(or_(User.researcher_id == researcher_id, User.id == claimed_by_user_id))
            .order_by(User.id).limit(1).scalar_subquery())


def set_last_digest(session: Session, researcher_id: str, when: datetime) -> None:
    session.execute(update(Researcher).where(Researcher.id == researcher_id).values(last_digest_at=when))
