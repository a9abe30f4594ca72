"""A session's clock, on the server: the open question's deadline, the seconds it has left
(frozen while paused), and the time an answer took (pauses left out)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from live.models import LiveQuestion, LiveSession, LiveState
from lms.core.clock import utcnow


def current_question(session: LiveSession) -> LiveQuestion | None:
    if 0 <= session.current_index < len(session.questions):
        return session.questions[session.current_index]
    return None


class SessionClock(Protocol):
    """A session's clock columns: a LiveSession, or a row that read them."""

    state: str
    paused_at: datetime | None
    paused_ms: int
    question_opened_at: datetime | None
    question_deadline: datetime | None


def deadline_passed(session: SessionClock, now: datetime) -> bool:
    return (
        session.state == LiveState.QUESTION
        and session.paused_at is None
        and session.question_deadline is not None
        and now >= session.question_deadline
    )


def effective_state(session: LiveSession, now: datetime | None = None) -> str:
    """The state as of ``now``: an open question past its deadline reads as revealed."""
    if deadline_passed(session, now or utcnow()):
        return LiveState.REVEAL
    return session.state


def seconds_left(session: LiveSession, now: datetime | None = None) -> float | None:
    """Seconds the open question has left (frozen while paused); None outside a question."""
    if effective_state(session, now) != LiveState.QUESTION or session.question_deadline is None:
        return None
    moment = session.paused_at or now or utcnow()
    return max(0.0, round((session.question_deadline - moment).total_seconds(), 3))


def elapsed_ms(session: SessionClock, now: datetime) -> int:
    """Time since the question opened, pauses excluded, in milliseconds."""
    if session.question_opened_at is None:
        return 0
    total = (now - session.question_opened_at).total_seconds() * 1000 - session.paused_ms
    return max(0, int(total))
