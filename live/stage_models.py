"""The stage format's own tables: its settings, judges, turns, judges' marks and score events.

A team's stage score is the sum of its score events that were not undone; ``LiveTeam.score``
caches that sum. Every scoring action is an event with its actor and reason, so the events are
the audit log, and undoing one marks it undone rather than deleting it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from live.models import LiveSession, LiveTeam
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db


class Verdict(enum.StrEnum):
    RIGHT = "right"
    WRONG = "wrong"


class EventKind(enum.StrEnum):
    REQUIRED = "required"  # a required question marked
    BUZZER = "buzzer"  # a buzzer question's winner marked
    RISK = "risk"  # a risk question marked: the picked value added or deducted
    FOUL = "foul"  # a buzz before buzzing opened
    ADJUST = "adjust"  # a score adjustment by hand, with a reason


class StageSettings(db.Model):
    """How a stage session scores, and the big screen's freeze."""

    __tablename__ = "live_stage_settings"
    __table_args__ = (
        CheckConstraint(
            "points_required >= 0 AND points_buzzer >= 0 AND buzzer_wrong >= 0 "
            "AND foul_penalty >= 0",
            name="points",
        ),
    )

    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    points_required: Mapped[int] = mapped_column(default=10)
    points_buzzer: Mapped[int] = mapped_column(default=10)
    buzzer_wrong: Mapped[int] = mapped_column(default=10)  # deducted for a wrong buzzer answer
    foul_penalty: Mapped[int] = mapped_column(default=5)
    risk_values: Mapped[list[int]] = mapped_column(JSON, default=lambda: [10, 20, 30])
    # While frozen the big screen shows these scores ({team id: score}) and nothing newer.
    frozen_scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    frozen_at: Mapped[datetime | None]
    revealed_at: Mapped[datetime | None]

    session: Mapped[LiveSession] = relationship()


class StageJudge(db.Model):
    __tablename__ = "live_stage_judges"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    is_head: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()


class StageTurn(db.Model):
    """Who answers a question and how it was settled. ``attempt`` grows when the host undoes
    the question's scoring, so the judges mark it afresh."""

    __tablename__ = "live_stage_turns"
    __table_args__ = (UniqueConstraint("session_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    index: Mapped[int]
    team_id: Mapped[int | None] = mapped_column(ForeignKey("live_teams.id", ondelete="SET NULL"))
    risk_value: Mapped[int | None]
    attempt: Mapped[int] = mapped_column(default=1)
    verdict: Mapped[str | None] = mapped_column(String(10))
    settled_at: Mapped[datetime | None]

    team: Mapped[LiveTeam | None] = relationship()


class StageMark(db.Model):
    """One judge's mark of a turn's answer; a head judge's decision on disagreement is a mark
    with ``is_decision``."""

    __tablename__ = "live_stage_marks"
    __table_args__ = (
        UniqueConstraint(
            "session_id",
            "index",
            "attempt",
            "judge_id",
            "is_decision",
            name="uq_live_stage_marks_one_per_judge",  # the conventional name is too long
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int]
    attempt: Mapped[int]
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    verdict: Mapped[str] = mapped_column(String(10))
    is_decision: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    judge: Mapped[User] = relationship()


class ScoreEvent(db.Model):
    """One change of a team's score: the audit log. Undone events stay, with who undid them."""

    __tablename__ = "live_score_events"
    __table_args__ = (
        Index("ix_live_score_events_session_team", "session_id", "team_id"),
        # One standing foul per team and question, whatever parallel buzzes do.
        Index(
            "uq_live_score_events_one_foul",
            "session_id",
            "team_id",
            "question_index",
            unique=True,
            sqlite_where=text("kind = 'foul' AND undone_at IS NULL"),
            postgresql_where=text("kind = 'foul' AND undone_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("live_teams.id", ondelete="CASCADE"))
    delta: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    question_index: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    team: Mapped[LiveTeam] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])
