"""Announcements (通知公告): a Markdown notice to units and everyone below them, and who read it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import OrgUnit, User
from lms.core.db import TimestampMixin
from lms.core.extensions import db

announcement_units = Table(
    "announcement_units",
    db.metadata,
    Column("announcement_id", ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True),
)


class Announcement(TimestampMixin, db.Model):
    """A notice for the members of ``units`` and of every unit below them (none: everyone)."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_pinned_published", "is_pinned", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    is_pinned: Mapped[bool] = mapped_column(default=False)
    requires_ack: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime]

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    units: Mapped[list[OrgUnit]] = relationship(secondary=announcement_units, order_by=OrgUnit.path)


class AnnouncementReceipt(db.Model):
    """One reader of one announcement: when they first opened it, and acknowledged it."""

    __tablename__ = "announcement_receipts"
    __table_args__ = (UniqueConstraint("announcement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
