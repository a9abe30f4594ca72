"""A phone's answer: accepted once per player and question while the question is open, graded
by the question type, scored by accuracy (fixed points per right answer) or speed (Kahoot-style:
``round(1000 * (1 - elapsed / limit / 2))`` for a right answer), with an optional streak bonus.

Points reach the player's score when the question closes (``sessions``), so no score or rank
tells a phone whether it was right before the reveal. The time is the server's: received when
the request is handled, measured from the question's opening with pauses left out. A second
answer of the same player is refused by the database's unique constraint even when both arrive
at once.

Phones come in thousands within seconds, so their answers take :func:`submit_at_once` first:
one read and one insert, no ORM object. Anything but the common answer falls through to
:func:`submit`, which every other caller uses and which decides and explains every refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from live.models import (
    Format,
    LiveAnswer,
    LivePlayer,
    LiveQuestion,
    LiveSession,
    LiveState,
    Scoring,
)
from live.services import messages
from live.services.clock import SessionClock, deadline_passed, elapsed_ms
from live.services.errors import AlreadyAnsweredError, ClosedError
from live.services.questions import read_answer
from live.services.sessions import settle
from lms.core.clock import utcnow
from lms.core.db import built_once
from lms.core.errors import ValidationError
from lms.core.extensions import db
from question_bank.models import QuestionVersion
from question_bank.types import get_type
from quizzes.services.grading import RIGHT_FRACTION

ACCURACY_POINTS = 100
SPEED_POINTS = 1000
STREAK_STEP = 0.1  # of a question's full points, per right answer in a row before this one
STREAK_MAX_STEPS = 5


def points_for(
    scoring: str, streak_bonus: bool, *, correct: bool, elapsed: int, limit_ms: int, streak: int
) -> int:
    """Points for one answer in a session scored by ``scoring``; ``streak``: right answers in a
    row before this one."""
    if not correct:
        return 0
    if scoring == Scoring.SPEED:
        share = min(max(elapsed / limit_ms, 0.0), 1.0) if limit_ms > 0 else 1.0
        base, full = round(SPEED_POINTS * (1 - share / 2)), SPEED_POINTS
    else:
        base, full = ACCURACY_POINTS, ACCURACY_POINTS
    bonus = round(full * STREAK_STEP * min(streak, STREAK_MAX_STEPS)) if streak_bonus else 0
    return base + bonus


class _ScoredClock(SessionClock, Protocol):
    """The session's facts an answer's points need: a LiveSession, or a row that read them."""

    scoring: str
    streak_bonus: bool


@dataclass(frozen=True)
class _Intake:
    """What storing an answer to the open question needs, however it was read."""

    session_id: int
    clock: _ScoredClock
    player_id: int
    streak: int
    question: LiveQuestion


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
    return _store(
        _Intake(session.id, session, player.id, player.streak, question), index, answer, now
    )


def submit_at_once(
    session_id: int, index: Any, answer: Any, *, user_id: int | None, guest_key: str | None
) -> LiveAnswer | None:
    """The common answer of a hosted round (a player's first answer to the open question, in
    time), read in one statement: the session (FOR SHARE, as in :func:`submit`), the player and
    the open question with its version. None when the answer is anything else (not a player, a
    stage session, paused, past the deadline, another index): :func:`submit` then decides and
    explains, as it does for every answer. 2,000 phones answer within seconds; this is their
    path, with no ORM object loaded."""
    who = user_id if user_id is not None else guest_key
    if isinstance(index, bool) or not isinstance(index, int) or not who:
        return None
    statement = _read_open(by_guest=user_id is None)
    found = db.session.execute(statement, {"s": session_id, "who": who}).first()
    now = utcnow()
    if (
        found is None
        or found.format != Format.HOSTED
        or found.state != LiveState.QUESTION
        or found.paused_at is not None
        or found.current_index != index
        or deadline_passed(found, now)
    ):
        return None
    question = LiveQuestion(
        index=index,
        choices=found.choices,
        seconds=found.seconds,
        version=QuestionVersion(type=found.type, definition=found.definition),
    )
    return _store(
        _Intake(session_id, found, found.player_id, found.streak, question), index, answer, now
    )


def _store(intake: _Intake, index: int, answer: Any, now: datetime) -> LiveAnswer:
    """Grade, score and insert the answer once (AlreadyAnsweredError for a second one)."""
    question = intake.question
    response, tokens = read_answer(question, answer)
    version = question.version
    fraction = get_type(version.type).grade(version.definition, response) or 0.0
    correct = fraction >= RIGHT_FRACTION
    limit_ms = question.seconds * 1000
    clock = intake.clock
    elapsed = min(elapsed_ms(clock, now), limit_ms)
    points = points_for(
        clock.scoring,
        clock.streak_bonus,
        correct=correct,
        elapsed=elapsed,
        limit_ms=limit_ms,
        streak=intake.streak,
    )
    values = {
        "session_id": intake.session_id,
        "player_id": intake.player_id,
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
    messages.answered(intake.session_id, index)
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


def _read_open(*, by_guest: bool) -> Any:
    """The statement of :func:`submit_at_once` for this database, built once per process."""
    return built_once(db.session, _OPEN_BUILDERS[by_guest])


def _build_open(by_guest: bool, _upsert: Any) -> Any:
    sessions, players = LiveSession.__table__, LivePlayer.__table__
    questions, versions = LiveQuestion.__table__, QuestionVersion.__table__
    who = players.c.guest_key if by_guest else players.c.user_id
    statement = (
        select(
            sessions.c.format,
            sessions.c.state,
            sessions.c.current_index,
            sessions.c.paused_at,
            sessions.c.question_opened_at,
            sessions.c.question_deadline,
            sessions.c.paused_ms,
            sessions.c.scoring,
            sessions.c.streak_bonus,
            players.c.id.label("player_id"),
            players.c.streak,
            questions.c.choices,
            questions.c.seconds,
            versions.c.type,
            versions.c.definition,
        )
        .join(players, (players.c.session_id == sessions.c.id) & (who == bindparam("who")))
        .join(
            questions,
            (questions.c.session_id == sessions.c.id)
            & (questions.c.index == sessions.c.current_index),
        )
        .join(versions, versions.c.id == questions.c.question_version_id)
        .where(sessions.c.id == bindparam("s"))
    )
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(read=True, of=sessions)
    return statement


_OPEN_BUILDERS = {by_guest: partial(_build_open, by_guest) for by_guest in (False, True)}


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
