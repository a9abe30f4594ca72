"""A phone's answer: accepted once per player and question while the question is open, graded
by the question type, scored by accuracy (fixed points per right answer) or speed (Kahoot-style:
``round(1000 * (1 - elapsed / limit / 2))`` for a right answer), with an optional streak bonus.

Points reach the player's score when the question closes (``sessions``), so no score or rank
tells a phone whether it was right before the reveal. The time is the server's: received when
the request is handled, measured from the question's opening with pauses left out. A second
answer of the same player is refused by the database's unique constraint even when both arrive
at once.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from live.models import LiveAnswer, LivePlayer, LiveQuestion, LiveSession, LiveState, Scoring
from live.services import messages
from live.services.clock import elapsed_ms
from live.services.errors import AlreadyAnsweredError, ClosedError
from live.services.questions import read_answer
from live.services.sessions import settle
from lms.core.clock import utcnow
from lms.core.errors import ValidationError
from lms.core.extensions import db
from question_bank.types import get_type
from quizzes.services.grading import RIGHT_FRACTION

ACCURACY_POINTS = 100
SPEED_POINTS = 1000
STREAK_STEP = 0.1  # of a question's full points, per right answer in a row before this one
STREAK_MAX_STEPS = 5


def points_for(
    session: LiveSession, *, correct: bool, elapsed: int, limit_ms: int, streak: int
) -> int:
    """Points for one answer; ``streak``: right answers in a row before this one."""
    if not correct:
        return 0
    if session.scoring == Scoring.SPEED:
        share = min(max(elapsed / limit_ms, 0.0), 1.0) if limit_ms > 0 else 1.0
        base, full = round(SPEED_POINTS * (1 - share / 2)), SPEED_POINTS
    else:
        base, full = ACCURACY_POINTS, ACCURACY_POINTS
    bonus = round(full * STREAK_STEP * min(streak, STREAK_MAX_STEPS)) if session.streak_bonus else 0
    return base + bonus


def submit(session: LiveSession, player: LivePlayer, index: Any, answer: Any) -> LiveAnswer:
    """Store ``player``'s answer to question ``index``; raises ClosedError when the question is
    not open (not yet, paused, past its deadline) and AlreadyAnsweredError on a second answer."""
    _hold_session(session)
    now = utcnow()
    settle(session, now)
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValidationError(_("“index” must be a whole number."), field="index")
    if player.session_id != session.id:
        raise ValidationError(_("You have not joined this session."), code="not_joined")
    question = _open_question(session)
    if session.state != LiveState.QUESTION or question is None or index != question.index:
        raise ClosedError(_("This question is not open for answers."))
    if session.paused_at is not None:
        raise ClosedError(_("The host has paused the question."), code="paused")
    response, tokens = read_answer(question, answer)
    version = question.version
    fraction = get_type(version.type).grade(version.definition, response) or 0.0
    correct = fraction >= RIGHT_FRACTION
    elapsed = min(elapsed_ms(session, now), question.seconds * 1000)
    points = points_for(
        session,
        correct=correct,
        elapsed=elapsed,
        limit_ms=question.seconds * 1000,
        streak=player.streak,
    )
    values = {
        "session_id": session.id,
        "player_id": player.id,
        "index": index,
        "tokens": tokens,
        "response": response,
        "received_at": now,
        "elapsed_ms": elapsed,
        "fraction": round(fraction, 6),
        "is_correct": correct,
        "points": points,
    }
    answer_id = _insert_once(values)
    if answer_id is None:
        raise AlreadyAnsweredError(_("You have already answered this question."))
    messages.answered(session, index)
    return LiveAnswer(id=answer_id, **values)


def _hold_session(session: LiveSession) -> None:
    """Read the session's row again FOR SHARE (PostgreSQL): answers do not wait for each other,
    but a close or a next (an UPDATE of the row) waits for the answers in flight, and an answer
    that comes after it sees the question closed, so the revealed counts are the stored answers.
    SQLite needs nothing: a writing request holds the database's write lock from its start."""
    if db.session.get_bind().dialect.name == "sqlite":
        return
    db.session.execute(
        select(LiveSession)
        .where(LiveSession.id == session.id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )


def _open_question(session: LiveSession) -> LiveQuestion | None:
    """The session's current question with its version, in one statement."""
    return db.session.scalar(
        select(LiveQuestion)
        .options(joinedload(LiveQuestion.version))
        .where(
            LiveQuestion.session_id == session.id,
            LiveQuestion.index == session.current_index,
        )
    )


def _insert_once(values: dict[str, Any]) -> int | None:
    """Insert the answer unless the player answered this question already (the unique
    constraint decides, also for answers that arrive at once): its id, or None. One statement,
    built once per dialect, and a refused answer leaves the transaction usable."""
    statement = _INSERT_ONCE[db.session.get_bind().dialect.name == "postgresql"]
    return db.session.connection().execute(statement, values).scalar()


_INSERT_ONCE = {
    is_postgresql: (postgresql_insert if is_postgresql else sqlite_insert)(LiveAnswer.__table__)
    .on_conflict_do_nothing(index_elements=["player_id", "index"])
    .returning(LiveAnswer.__table__.c.id)
    for is_postgresql in (False, True)
}
