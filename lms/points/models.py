"""The points ledger: one row per award, never updated, so the history explains every point."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.clock import utcnow
from lms.core.extensions import db


class PointEntry(db.Model):
    __tablename__ = "point_entries"
    __table_args__ = (
        # Awarding for the same source twice records nothing new: awards are idempotent.
        UniqueConstraint("user_id", "rule", "source_type", "source_id"),
        Index("ix_point_entries_user_day", "user_id", "rule", "awarded_on"),
        Index("ix_point_entries_day", "awarded_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40))
    points: Mapped[int]
    reason: Mapped[str] = mapped_column(String(300))
    source_type: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int]
    awarded_on: Mapped[date]  # the day the daily cap counts against
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PointAdjustment(db.Model):
    """A manual award or deduction by an admin, with its required reason: the audit trail.
    Its ledger entry has rule "manual" and this row as its source."""

    __tablename__ = "point_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    points: Mapped[int]
    reason: Mapped[str] = mapped_column(String(300))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
