"""The capability taxonomy and the evidence that ties an entity to a capability."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Capability(Base):
    __tablename__ = "capabilities"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    label: Mapped[str] = mapped_column(String(300), index=True)
    parent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    scheme: Mapped[str | None] = mapped_column(String(64))
    synonyms: Mapped[list[Any]] = mapped_column(default=list)


class CapabilityEvidence(Base):
    """One mention: entity X shows capability C in document D at characters [start, end) of `sentence`'s source."""

    __tablename__ = "capability_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    capability_id: Mapped[str] = mapped_column(String(255), index=True)
    capability_label: Mapped[str] = mapped_column(String(300))
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer, default=0)
    end: Mapped[int] = mapped_column(Integer, default=0)
    sentence: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str] = mapped_column(String(32), default="extracted")  # extracted | researcher
