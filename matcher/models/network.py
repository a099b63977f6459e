"""The people and places of the network: organisations, labs and researchers."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow



class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(500), index=True)
    name_key: Mapped[str] = mapped_column(String(500), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="other")
    country: Mapped[str | None] = mapped_column(String(8))
    region: Mapped[str | None] = mapped_column(String(120), index=True)
    city: Mapped[str | None] = mapped_column(String(200))
    ror_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    labs: Mapped[list[Lab]] = relationship(back_populates="organization", foreign_keys="Lab.organization_id")
    researchers: Mapped[list[Researcher]] = relationship(
        back_populates="organization", foreign_keys="Researcher.organization_id"
    )


class Lab(Base):
    __tablename__ = "labs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship(back_populates="labs", foreign_keys=[organization_id])
    researchers: Mapped[list[Researcher]] = relationship(back_populates="lab")


class Researcher(Base):
    __tablename__ = "researchers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    orcid: Mapped[str | None] = mapped_column(String(32), unique=True)
    # Private: never shown to SMEs; used for digests and claim links only.
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    lab_id: Mapped[str | None] = mapped_column(ForeignKey("labs.id"), index=True)
    bio: Mapped[str | None] = mapped_column(Text)
    digest_frequency: Mapped[str] = mapped_column(String(16), default="off")
    last_digest_at: Mapped[datetime | None]
    # Half-life in years for weighting older work; None means all work counts equally.
    recency_half_life: Mapped[float | None]
    regions_of_interest: Mapped[list[Any]] = mapped_column(default=list)
    removed_capabilities: Mapped[list[Any]] = mapped_column(default=list)
    added_capabilities: Mapped[list[Any]] = mapped_column(default=list)
    claimed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("researchers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship(
        back_populates="researchers", foreign_keys=[organization_id]
    )
    lab: Mapped[Lab | None] = relationship(back_populates="researchers")

    @property
    def digest_opt_in(self) -> bool:
        return self.digest_frequency != "off"
