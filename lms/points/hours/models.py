"""The study-hour record and the yearly targets.

Hours are stored as whole hundredths of an hour (``centihours``): sums stay exact, and 0.01 h
is finer than any institution counts.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.clock import utcnow
from lms.core.extensions import db

SOURCES = ("lesson", "activity", "course")


class StudyHourEntry(db.Model):
    """Hours a member earned for one piece of completed work, on the day it was completed.
    Crediting the same source twice records nothing new."""

    __tablename__ = "study_hour_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "source_type", "source_id"),
        Index("ix_study_hour_entries_user_day", "user_id", "earned_on"),
        Index("ix_study_hour_entries_day", "earned_on"),
        CheckConstraint("centihours >= 0", name="centihours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source_type: Mapped[str] = mapped_column(String(20))  # one of SOURCES
    source_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    centihours: Mapped[int]
    earned_on: Mapped[date]  # the local day the work was completed; its year counts it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StudyHourTarget(db.Model):
    """The hours a year asks of the members of a unit (and the units below it), of a role, or
    of both; neither: everyone. The most specific target that fits a member applies."""

    __tablename__ = "study_hour_targets"
    __table_args__ = (
        Index("ix_study_hour_targets_year", "year"),
        CheckConstraint("centihours > 0", name="centihours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(20))
    centihours: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
