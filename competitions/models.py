"""Competitions, their rounds (quizzes), registrations, standings (entries) and awards.

An entry is a participant's standing, updated incrementally each time one of their round
attempts is graded, so a leaderboard never recomputes the whole field after a submission.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import OrgUnit, User
from lms.core.clock import utcnow
from lms.core.db import TimestampMixin
from lms.core.extensions import db
from quizzes.models import Quiz


class UnitMetric(enum.StrEnum):
    AVERAGE = "average"  # average score of the unit's participants
    PARTICIPATION = "participation"  # participants / eligible members
    TOTAL = "total"  # sum of the participants' scores


class Stage(enum.StrEnum):
    """Where a competition stands; derived from its times and flags by the server's clock."""

    DRAFT = "draft"
    UPCOMING = "upcoming"  # published, registration not open yet
    REGISTRATION = "registration"
    RUNNING = "running"
    FINISHED = "finished"
    PUBLISHED = "published"  # results published


competition_units = Table(
    "competition_units",
    db.metadata,
    Column("competition_id", ForeignKey("competitions.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True),
)


class Competition(TimestampMixin, db.Model):
    __tablename__ = "competitions"
    __table_args__ = (
        CheckConstraint("min_participants >= 0", name="min_participants"),
        CheckConstraint("freeze_minutes >= 0", name="freeze"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    rules_md: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(default=False)  # False: a draft
    registration_opens_at: Mapped[datetime]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    unit_metric: Mapped[str] = mapped_column(String(15), default=UnitMetric.AVERAGE)
    min_participants: Mapped[int] = mapped_column(default=3)
    # Which level of the organisation tree the unit board ranks (1: branches of the root).
    unit_depth: Mapped[int] = mapped_column(default=2)
    freeze_minutes: Mapped[int] = mapped_column(default=0)
    certificate_top_n: Mapped[int] = mapped_column(default=3)
    results_published_at: Mapped[datetime | None]
    # The organizers' hands on the public board: frozen now, or revealed now (see stages).
    frozen_by_hand_at: Mapped[datetime | None]
    revealed_by_hand_at: Mapped[datetime | None]
    # The big-screen link: unguessable, revocable (None: no public display).
    display_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    rounds: Mapped[list[CompetitionRound]] = relationship(
        back_populates="competition",
        order_by="CompetitionRound.position",
        cascade="all, delete-orphan",
    )
    units: Mapped[list[OrgUnit]] = relationship(secondary=competition_units, order_by=OrgUnit.path)


class CompetitionRound(db.Model):
    """One quiz of a competition; the scores of all rounds add up."""

    __tablename__ = "competition_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="RESTRICT"), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    competition: Mapped[Competition] = relationship(back_populates="rounds")
    quiz: Mapped[Quiz] = relationship()


class Registration(db.Model):
    __tablename__ = "competition_registrations"
    __table_args__ = (UniqueConstraint("competition_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Entry(db.Model):
    """A participant's standing: the sum of their rounds' counted scores, the time those took,
    and when the last one was submitted (the ranking's three keys)."""

    __tablename__ = "competition_entries"
    __table_args__ = (
        UniqueConstraint("competition_id", "user_id"),
        Index(
            "ix_competition_entries_ranking",
            "competition_id",
            "score",
            "time_used_seconds",
            "submitted_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    score: Mapped[float] = mapped_column(default=0.0)
    max_score: Mapped[float] = mapped_column(default=0.0)
    time_used_seconds: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime]
    rounds_done: Mapped[int] = mapped_column(default=0)
    disqualified_at: Mapped[datetime | None]
    disqualified_reason: Mapped[str] = mapped_column(String(500), default="")

    user: Mapped[User] = relationship()


class EntryAction(db.Model):
    """The audit trail of disqualifying and reinstating entries."""

    __tablename__ = "competition_entry_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))  # disqualify | reinstate
    reason: Mapped[str] = mapped_column(String(500))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Award(db.Model):
    """Recognition once results are published: a place in the top N, or finishing."""

    __tablename__ = "competition_awards"
    __table_args__ = (UniqueConstraint("competition_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))  # top | finisher | special (given by hand)
    title: Mapped[str] = mapped_column(String(100), default="")  # a special award's name
    code: Mapped[str] = mapped_column(String(32), unique=True)  # printed on the certificate
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    competition: Mapped[Competition] = relationship()
    user: Mapped[User] = relationship()


class CompetitionAction(db.Model):
    """The audit trail of what organizers do by hand to a competition as a whole: freezing and
    revealing the public board, granting an award (to ``user_id``)."""

    __tablename__ = "competition_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))  # freeze | reveal | award
    reason: Mapped[str] = mapped_column(String(500), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
