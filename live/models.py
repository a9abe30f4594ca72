"""Live hosted sessions (host-paced, like Kahoot) and the stage formats built on them.

A session is a list of questions drawn when it is created; the host moves it through its states
(lobby -> question -> reveal -> leaderboard -> next question ... -> finished). Players join by
PIN; each answer and each buzz is a row whose uniqueness the database enforces, so parallel
requests cannot store a second answer or two buzzes with the same order.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import OrgUnit, User
from lms.core.clock import utcnow
from lms.core.extensions import db
from question_bank.models import QuestionVersion


class LiveState(enum.StrEnum):
    LOBBY = "lobby"
    QUESTION = "question"
    REVEAL = "reveal"
    LEADERBOARD = "leaderboard"
    FINISHED = "finished"


class Mode(enum.StrEnum):
    INDIVIDUAL = "individual"
    TEAMS = "teams"


class Scoring(enum.StrEnum):
    ACCURACY = "accuracy"  # fixed points per right answer
    SPEED = "speed"  # points fall with the server-measured answer time


class Format(enum.StrEnum):
    HOSTED = "hosted"  # host-paced quiz, phones answer
    STAGE = "stage"  # on-site competition: required, buzzer and risk rounds with judges


class QuestionKind(enum.StrEnum):
    NORMAL = "normal"
    REQUIRED = "required"
    BUZZER = "buzzer"
    RISK = "risk"


class LiveSession(db.Model):
    __tablename__ = "live_sessions"
    __table_args__ = (
        CheckConstraint("seconds_per_question BETWEEN 5 AND 600", name="seconds"),
        # A PIN names one session among those not finished; finished ones free it.
        Index(
            "uq_live_sessions_open_pin",
            "pin",
            unique=True,
            sqlite_where=text("state != 'finished'"),
            postgresql_where=text("state != 'finished'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    host_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id", ondelete="SET NULL"))
    mode: Mapped[str] = mapped_column(String(12), default=Mode.INDIVIDUAL)
    format: Mapped[str] = mapped_column(String(10), default=Format.HOSTED)
    scoring: Mapped[str] = mapped_column(String(10), default=Scoring.ACCURACY)
    seconds_per_question: Mapped[int] = mapped_column(default=20)
    streak_bonus: Mapped[bool] = mapped_column(default=False)
    guests: Mapped[bool] = mapped_column(default=False)
    # Teams are the org units at this depth (segments of OrgUnit.path: 1 the organisation,
    # 2 its branches); None: the host forms the teams.
    team_depth: Mapped[int | None]
    pin: Mapped[str] = mapped_column(String(6))
    screen_token: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(12), default=LiveState.LOBBY)
    current_index: Mapped[int] = mapped_column(default=-1)
    # The open question's clock, on the server: deadline moves with extend and resume.
    question_opened_at: Mapped[datetime | None]
    question_deadline: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    paused_ms: Mapped[int] = mapped_column(default=0)  # paused time of the current question
    version: Mapped[int] = mapped_column(default=1)  # bumped on every change (messages, ETags)
    points_awarded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    host: Mapped[User | None] = relationship(foreign_keys=[host_id])
    unit: Mapped[OrgUnit | None] = relationship()
    questions: Mapped[list[LiveQuestion]] = relationship(
        back_populates="session", order_by="LiveQuestion.index", cascade="all, delete-orphan"
    )
    teams: Mapped[list[LiveTeam]] = relationship(
        back_populates="session", order_by="LiveTeam.id", cascade="all, delete-orphan"
    )

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None


class LiveQuestion(db.Model):
    """One question of a session, drawn at creation. ``choices`` holds opaque per-session
    option tokens in display order, each mapped to the version's option id (server side only);
    true/false questions get two tokens too, for "true" and "false"."""

    __tablename__ = "live_questions"
    __table_args__ = (UniqueConstraint("session_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    index: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    kind: Mapped[str] = mapped_column(String(10), default=QuestionKind.NORMAL)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("live_teams.id", ondelete="SET NULL"))
    choices: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seconds: Mapped[int] = mapped_column(default=20)  # the limit, extensions included
    buzz_seq: Mapped[int] = mapped_column(default=0)  # the per-question buzz counter
    buzz_open: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    session: Mapped[LiveSession] = relationship(back_populates="questions")
    version: Mapped[QuestionVersion] = relationship()


class LiveTeam(db.Model):
    __tablename__ = "live_teams"
    __table_args__ = (
        UniqueConstraint("session_id", "name"),
        UniqueConstraint("session_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(default=0)  # stage rounds score teams directly

    session: Mapped[LiveSession] = relationship(back_populates="teams")


class LivePlayer(db.Model):
    __tablename__ = "live_players"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    nickname: Mapped[str] = mapped_column(String(100))
    guest_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # a guest's cookie
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("live_teams.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(default=0)
    streak: Mapped[int] = mapped_column(default=0)
    correct_count: Mapped[int] = mapped_column(default=0)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
    unit: Mapped[OrgUnit | None] = relationship()
    team: Mapped[LiveTeam | None] = relationship()


class LiveAnswer(db.Model):
    """A player's answer to one question: one per player and question, by constraint."""

    __tablename__ = "live_answers"
    __table_args__ = (UniqueConstraint("player_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    player_id: Mapped[int] = mapped_column(ForeignKey("live_players.id", ondelete="CASCADE"))
    index: Mapped[int]
    tokens: Mapped[list[str]] = mapped_column(JSON, default=list)  # the opaque ids picked
    response: Mapped[Any] = mapped_column(JSON)  # the version's form, as the type grades it
    received_at: Mapped[datetime]
    elapsed_ms: Mapped[int]
    fraction: Mapped[float] = mapped_column(default=0.0)
    is_correct: Mapped[bool] = mapped_column(default=False)
    points: Mapped[int] = mapped_column(default=0)

    player: Mapped[LivePlayer] = relationship()


class LiveBuzz(db.Model):
    """A buzz on a buzzer question. ``order`` comes from the question's single counter; a buzz
    before the host opens buzzing is a foul and takes no order."""

    __tablename__ = "live_buzzes"
    __table_args__ = (
        UniqueConstraint("session_id", "index", "order"),
        UniqueConstraint("session_id", "index", "player_id", "is_foul"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int]
    player_id: Mapped[int] = mapped_column(ForeignKey("live_players.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("live_teams.id", ondelete="SET NULL"))
    order: Mapped[int | None]
    is_foul: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime]

    player: Mapped[LivePlayer] = relationship()
