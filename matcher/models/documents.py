"""Evidence documents (publications, awards, profiles) and the resources that are documents themselves."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow


class Document(Base):
    """A text that is evidence of its linked entities' expertise: a publication, an award, a firm profile."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    venue: Mapped[str | None] = mapped_column(String(500))
    doi: Mapped[str | None] = mapped_column(String(255), index=True)
    url: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str | None] = mapped_column(String(200))
    # Hash of the source record: an unchanged record is skipped on re-import without any other query.
    content_hash: Mapped[str | None] = mapped_column(String(40))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    links: Mapped[list[DocumentEntity]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentEntity.position"
    )


class DocumentEntity(Base):
    """Links a document to the entities it describes, in author order; `excluded` honours a researcher's choice."""

    __tablename__ = "document_entities"
    __table_args__ = (UniqueConstraint("document_id", "entity_id", name="uq_document_entities_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: uq_document_entities_pair starts with it and serves look-ups by document.
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    entity_kind: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str | None] = mapped_column(String(64))
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)

    document: Mapped[Document] = relationship(back_populates="links")


class Equipment(Base):
    __tablename__ = "equipment"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    lab_id: Mapped[str | None] = mapped_column(ForeignKey("labs.id"))
    facility: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(500))
    region: Mapped[str | None] = mapped_column(String(120), index=True)
    category: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    access_terms: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InstituteProject(Base):
    __tablename__ = "institute_projects"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    acronym: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    institute_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    programme: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str | None] = mapped_column(String(64), index=True)
    region: Mapped[str | None] = mapped_column(String(120), index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    call_open: Mapped[date | None]
    call_close: Mapped[date | None]
    total_cost: Mapped[float | None]
    source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    participants: Mapped[list[ProjectParticipant]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )


class ProjectParticipant(Base):
    __tablename__ = "project_participants"
    __table_args__ = (UniqueConstraint("project_id", "organization_id", name="uq_project_participants_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("institute_projects.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(64))

    project: Mapped[InstituteProject] = relationship(back_populates="participants")
