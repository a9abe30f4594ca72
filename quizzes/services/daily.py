"""The daily quiz (每日答题): one short session per member and local day, drawn from the
categories admins chose; each correct answer earns study points, up to the rule's daily cap.

Importing this module connects the points receiver to ``attempt_graded`` (the practice views
import it, so the app always has it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.core.errors import ConflictError, ValidationError
from lms.core.extensions import db
from lms.core.settings import get_setting, set_setting
from lms.points.models import PointEntry
from lms.points.services import award, today
from quizzes.models import Attempt, Mode, State
from quizzes.services import attempts, grading, practice
from quizzes.signals import attempt_graded

CATEGORIES_SETTING = "daily_quiz.categories"
COUNT_SETTING = "daily_quiz.count"
DEFAULT_COUNT = 5
MAX_COUNT = 50
POINTS_RULE = "daily_quiz_correct"
STREAK_LOOKBACK_DAYS = 400


@dataclass(frozen=True)
class DailySettings:
    category_ids: list[int]
    count: int


@dataclass(frozen=True)
class DailyStatus:
    day: date
    attempt: Attempt | None
    correct: int
    total: int
    points: int  # earned by today's session
    streak: int  # days in a row with a finished daily quiz, up to today
    is_set_up: bool  # admins chose categories for it


def current_settings() -> DailySettings:
    ids = [c.id for c in practice.categories_by_ids(get_setting(CATEGORIES_SETTING, []))]
    count = get_setting(COUNT_SETTING, DEFAULT_COUNT)
    return DailySettings(ids, count if isinstance(count, int) and count > 0 else DEFAULT_COUNT)


def save_settings(category_ids: list[int], count: int) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise ValidationError(
            _("The daily quiz has between 1 and %(max)d questions.", max=MAX_COUNT), field="count"
        )
    set_setting(CATEGORIES_SETTING, practice.validate_category_ids(category_ids))
    set_setting(COUNT_SETTING, count)


def session_of(user: User, day: date) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.daily_on == day)
    )


def _draw(user: User, day: date) -> list[int]:
    """The day's questions for this member: random, but the same however often it is drawn."""
    settings = current_settings()
    roots = practice.outermost(practice.categories_by_ids(settings.category_ids))
    pool = sorted({qid for root in roots for qid in practice.pool(root)})
    if not pool:
        raise ConflictError(_("The daily quiz is not set up yet."), code="not_configured")
    rng = random.Random(f"daily:{user.id}:{day.isoformat()}")
    return rng.sample(pool, min(settings.count, len(pool)))


def start_daily(user: User) -> Attempt:
    """Today's session of the member: the existing one, or a new one. Two racing starts give
    one session (the unique constraint on user and day decides; the loser takes the winner's)."""
    day = today()
    existing = session_of(user, day)
    if existing is not None:
        return existing
    question_ids = _draw(user, day)
    try:
        with db.session.begin_nested():
            return attempts.start_session(user, question_ids, mode=Mode.DAILY, daily_on=day)
    except IntegrityError:
        existing = session_of(user, day)
        if existing is None:
            raise
        return existing


def _streak(user: User, day: date) -> int:
    days = set(
        db.session.scalars(
            select(Attempt.daily_on).where(
                Attempt.user_id == user.id,
                Attempt.mode == Mode.DAILY,
                Attempt.state == State.FINISHED,
                Attempt.daily_on > day - timedelta(days=STREAK_LOOKBACK_DAYS),
                Attempt.daily_on <= day,
            )
        )
    )
    cursor = day if day in days else day - timedelta(days=1)
    streak = 0
    while cursor in days:
        streak += 1
        cursor -= timedelta(days=1)
    return streak


def _points_of(attempt: Attempt) -> int:
    item_ids = [item.id for item in attempt.items]
    if not item_ids:
        return 0
    return db.session.scalar(
        select(func.coalesce(func.sum(PointEntry.points), 0)).where(
            PointEntry.user_id == attempt.user_id,
            PointEntry.rule == POINTS_RULE,
            PointEntry.source_type == "attempt_item",
            PointEntry.source_id.in_(item_ids),
        )
    )


def status(user: User) -> DailyStatus:
    day = today()
    attempt = session_of(user, day)
    settings = current_settings()
    correct = 0
    if attempt is not None and attempt.is_finished:
        correct = sum(1 for item in attempt.items if grading.is_correct(item))
    return DailyStatus(
        day=day,
        attempt=attempt,
        correct=correct,
        total=len(attempt.items) if attempt is not None else settings.count,
        points=_points_of(attempt) if attempt is not None and attempt.is_finished else 0,
        streak=_streak(user, day),
        is_set_up=bool(settings.category_ids),
    )


@dataclass(frozen=True)
class DailyEnd:
    """What the end of a daily session tells: the points it earned and the streak now."""

    points: int
    streak: int


def end_of(attempt: Attempt) -> DailyEnd:
    """The points a finished daily session earned, and its member's streak as of today."""
    return DailyEnd(points=_points_of(attempt), streak=_streak(attempt.user, today()))


def award_points(attempt: Attempt) -> None:
    """Points for each correct answer of a finished daily session, once per answer."""
    if attempt.mode != Mode.DAILY or not attempt.is_finished:
        return
    for item in attempt.items:
        if grading.is_correct(item):
            award(
                attempt.user,
                POINTS_RULE,
                source_type="attempt_item",
                source_id=item.id,
                reason=(item.version.title or item.version.stem_md)[:200],
            )
    db.session.flush()


def _on_attempt_graded(_sender: Any, attempt: Attempt, **_extra: Any) -> None:
    award_points(attempt)


attempt_graded.connect(_on_attempt_graded)
