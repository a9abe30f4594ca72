"""The server's clock rules: when a quiz is open, an attempt's deadline, when answers stop."""

from __future__ import annotations

from datetime import datetime, timedelta

from lms.core.clock import utcnow
from quizzes.models import Attempt, Quiz, State


def deadline_for(quiz: Quiz | None, started_at: datetime) -> datetime | None:
    """``min(started_at + time limit, closes_at)``; None when neither bounds the attempt."""
    if quiz is None:
        return None
    candidates = []
    if quiz.time_limit_seconds:
        candidates.append(started_at + timedelta(seconds=quiz.time_limit_seconds))
    if quiz.closes_at is not None:
        candidates.append(quiz.closes_at)
    return min(candidates) if candidates else None


def is_open(quiz: Quiz, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if quiz.opens_at is not None and now < quiz.opens_at:
        return False
    return quiz.closes_at is None or now < quiz.closes_at


def is_closed(quiz: Quiz, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return quiz.closes_at is not None and now >= quiz.closes_at


def last_moment(attempt: Attempt) -> datetime | None:
    """The last instant an answer is accepted: the deadline plus the grace period."""
    if attempt.deadline_at is None:
        return None
    return attempt.deadline_at + timedelta(seconds=attempt.grace_seconds)


def accepts_answers(attempt: Attempt, now: datetime | None = None) -> bool:
    if attempt.state != State.IN_PROGRESS:
        return False
    last = last_moment(attempt)
    return last is None or (now or utcnow()) <= last


def is_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    last = last_moment(attempt)
    return attempt.state == State.IN_PROGRESS and last is not None and (now or utcnow()) > last


def seconds_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - (now or utcnow())).total_seconds()))
