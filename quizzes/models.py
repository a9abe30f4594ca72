"""Quizzes, their slots, attempts and the items an attempt drew.

An attempt snapshots what it drew (question versions, option order, opaque option tokens, the
seed) when it starts, so a later edit of a question never changes a past attempt.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import OrgUnit, User
from lms.core.clock import utcnow
from lms.core.db import TimestampMixin
from lms.core.extensions import db
from question_bank.models import QuestionCategory, QuestionVersion


class Grading(enum.StrEnum):
    HIGHEST = "highest"
    LAST = "last"
    FIRST = "first"
    AVERAGE = "average"


class Feedback(enum.StrEnum):
    DEFERRED = "deferred"
    IMMEDIATE = "immediate"


class ReviewWhen(enum.StrEnum):
    AFTER_ATTEMPT = "after_attempt"
    AFTER_CLOSE = "after_close"
    NEVER = "never"


class Mode(enum.StrEnum):
    """Why an attempt exists: a quiz, free practice, the daily quiz, or the notebook."""

    QUIZ = "quiz"
    PRACTICE = "practice"
    DAILY = "daily"
    NOTEBOOK = "notebook"


class State(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


quiz_units = Table(
    "quiz_units",
    db.metadata,
    Column("quiz_id", ForeignKey("quizzes.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True),
)


class Quiz(TimestampMixin, db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint("time_limit_seconds IS NULL OR time_limit_seconds > 0", name="limit"),
        CheckConstraint("grace_seconds >= 0", name="grace"),
        CheckConstraint("max_attempts IS NULL OR max_attempts > 0", name="attempts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description_md: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(default=False)
    time_limit_seconds: Mapped[int | None]
    grace_seconds: Mapped[int] = mapped_column(default=60)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    max_attempts: Mapped[int | None] = mapped_column(default=1)  # None: unlimited
    grading: Mapped[str] = mapped_column(String(10), default=Grading.HIGHEST)
    pass_percent: Mapped[float | None]
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    one_per_page: Mapped[bool] = mapped_column(default=False)
    feedback: Mapped[str] = mapped_column(String(10), default=Feedback.DEFERRED)
    review_marks: Mapped[str] = mapped_column(String(15), default=ReviewWhen.AFTER_ATTEMPT)
    review_answers: Mapped[str] = mapped_column(String(15), default=ReviewWhen.AFTER_CLOSE)
    review_explanations: Mapped[str] = mapped_column(String(15), default=ReviewWhen.AFTER_CLOSE)
    # The course item this quiz is, when it is part of a course: passing it completes the item.
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_items.id", ondelete="SET NULL"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    slots: Mapped[list[QuizSlot]] = relationship(
        back_populates="quiz", order_by="QuizSlot.position", cascade="all, delete-orphan"
    )
    units: Mapped[list[OrgUnit]] = relationship(secondary=quiz_units, order_by=OrgUnit.path)
    created_by: Mapped[User | None] = relationship()


class QuizSlot(db.Model):
    """A fixed question, or ``count`` random questions drawn from a category by a rule."""

    __tablename__ = "quiz_slots"
    __table_args__ = (
        CheckConstraint("count > 0", name="count_positive"),
        CheckConstraint("mark > 0", name="mark_positive"),
        CheckConstraint(
            "(question_id IS NULL) <> (category_id IS NULL)", name="question_or_category"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="RESTRICT"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_categories.id", ondelete="RESTRICT")
    )
    include_subcategories: Mapped[bool] = mapped_column(default=True, server_default=true())
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    difficulty: Mapped[int | None]
    type: Mapped[str | None] = mapped_column(String(30))
    count: Mapped[int] = mapped_column(default=1)
    mark: Mapped[float] = mapped_column(default=1.0)

    quiz: Mapped[Quiz] = relationship(back_populates="slots")
    category: Mapped[QuestionCategory | None] = relationship()

    @property
    def is_random(self) -> bool:
        return self.category_id is not None


class Attempt(db.Model):
    """One sitting. At most one in progress per member and quiz, and attempt numbers are unique
    per member and quiz, so the attempt limit holds however many starts race."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        UniqueConstraint("user_id", "daily_on"),
        Index(
            "uq_attempts_one_in_progress",
            "quiz_id",
            "user_id",
            unique=True,
            sqlite_where=text("state = 'in_progress'"),
            postgresql_where=text("state = 'in_progress'"),
        ),
        Index("ix_attempts_user_mode", "user_id", "mode"),
        Index("ix_attempts_state_deadline", "state", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int | None] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(10), default=Mode.QUIZ)
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(12), default=State.IN_PROGRESS)
    seed: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]  # None: no time limit
    grace_seconds: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None]
    finished_by: Mapped[str | None] = mapped_column(String(10))  # member | timeout
    time_used_seconds: Mapped[int | None]
    score: Mapped[float | None]
    max_score: Mapped[float] = mapped_column(default=0.0)
    needs_grading: Mapped[bool] = mapped_column(default=False)
    daily_on: Mapped[date | None]  # the day of a daily quiz, one per member and day

    quiz: Mapped[Quiz | None] = relationship()
    user: Mapped[User] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.slot", cascade="all, delete-orphan"
    )

    @property
    def is_finished(self) -> bool:
        return self.state == State.FINISHED

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score, 1)


class AttemptItem(db.Model):
    """One question of an attempt: the version drawn, its presentation, the saved response.

    ``choices`` maps the opaque tokens the browser sees to the definition's ids, in the order
    shown: ``{"options": [[token, id], ...]}`` or, for matching, ``{"left": ..., "right": ...}``.
    ``sequence`` is the number of the newest save, so an older or repeated save never wins.
    """

    __tablename__ = "attempt_items"
    __table_args__ = (
        UniqueConstraint("attempt_id", "slot"),
        Index("ix_attempt_items_version", "question_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    slot: Mapped[int]
    quiz_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_slots.id", ondelete="SET NULL")
    )
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    mark: Mapped[float] = mapped_column(default=1.0)
    choices: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    response: Mapped[Any | None] = mapped_column(JSON)
    sequence: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime | None]
    is_flagged: Mapped[bool] = mapped_column(default=False)
    checked_at: Mapped[datetime | None]  # immediate feedback: the answer is final once checked
    fraction: Mapped[float | None]  # None: not graded (yet)
    score: Mapped[float | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None]

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[QuestionVersion] = relationship(lazy="joined")


class WrongAnswer(db.Model):
    """The wrong-answer notebook: a question the member got wrong, until answered right twice."""

    __tablename__ = "wrong_answers"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    wrong_count: Mapped[int] = mapped_column(default=1)
    right_streak: Mapped[int] = mapped_column(default=0)
    last_wrong_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None]

    version: Mapped[QuestionVersion] = relationship(lazy="joined")
