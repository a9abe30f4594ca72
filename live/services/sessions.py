"""Creating a live session, and the host's state machine (joining: ``joining``).

lobby -> question -> reveal -> leaderboard -> next question ... -> finished. A question closes at
its deadline by the server's clock: every write first settles a question whose deadline passed
(:func:`settle`), and every read sees it closed (:func:`effective_state`), so no timer runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from live.models import (
    Format,
    LiveQuestion,
    LiveSession,
    LiveState,
    Mode,
    Scoring,
)
from live.services import awards, messages, questions, scores, teams
from live.services.clock import (
    current_question,
    deadline_passed,
    effective_state,
    elapsed_ms,
    seconds_left,
)
from live.services.errors import WrongStateError
from lms.accounts.models import OrgUnit, User
from lms.core.clock import utcnow
from lms.core.errors import ValidationError
from lms.core.extensions import db
from quizzes.models import Quiz

# The clock's readings are part of this module's interface (pages call sessions.*).
__all__ = ["current_question", "effective_state", "elapsed_ms", "seconds_left"]

MIN_SECONDS, MAX_SECONDS = 5, 600
MAX_EXTEND_SECONDS = 300
PIN_TRIES = 50


@dataclass(frozen=True)
class SessionSettings:
    title: str = ""
    mode: str = Mode.INDIVIDUAL
    scoring: str = Scoring.ACCURACY
    seconds_per_question: int = 20
    guests: bool = False
    streak_bonus: bool = False
    team_depth: int | None = None  # teams = org units at this depth
    team_names: tuple[str, ...] = ()  # or teams the host forms
    format: str = Format.HOSTED


def _check(settings: SessionSettings) -> None:
    if settings.mode not in set(Mode):
        raise ValidationError(_("The mode is individual or teams."), field="mode")
    if settings.scoring not in set(Scoring):
        raise ValidationError(_("Scoring is accuracy or speed."), field="scoring")
    if settings.format not in set(Format):
        raise ValidationError(_("The format is hosted or stage."), field="format")
    if not MIN_SECONDS <= settings.seconds_per_question <= MAX_SECONDS:
        raise ValidationError(
            _("Give %(a)d to %(b)d seconds per question.", a=MIN_SECONDS, b=MAX_SECONDS),
            field="seconds_per_question",
        )
    if len(settings.title) > 200:
        raise ValidationError(_("The title is too long."), field="title")
    if settings.mode == Mode.TEAMS:
        teams.check_settings(settings.team_depth, settings.team_names)


def new_pin() -> str:
    """Six digits no session that is still open uses (the database's index backs this up)."""
    for _try in range(PIN_TRIES):
        pin = f"{secrets.randbelow(1_000_000):06d}"
        taken = db.session.scalar(
            select(LiveSession.id).where(
                LiveSession.pin == pin, LiveSession.state != LiveState.FINISHED
            )
        )
        if taken is None:
            return pin
    raise ValidationError(_("No free PIN was found; try again."), code="no_pin")


def _add_with_free_pin(session: LiveSession) -> None:
    """Insert the session; a PIN a parallel creation took meanwhile is drawn again."""
    for _try in range(PIN_TRIES):
        try:
            with db.session.begin_nested():
                db.session.add(session)
            return
        except IntegrityError:
            session.pin = new_pin()
    raise ValidationError(_("No free PIN was found; try again."), code="no_pin")


def create_session(
    host: User,
    settings: SessionSettings,
    *,
    quiz: Quiz | None = None,
    question_ids: list[int] | None = None,
    unit: OrgUnit | None = None,
) -> LiveSession:
    """A session in its lobby with its questions drawn now (a quiz's random slots included)."""
    _check(settings)
    drawn = questions.draw(quiz=quiz, question_ids=question_ids, format=settings.format)
    title = settings.title.strip() or (quiz.title if quiz is not None else _("Live quiz"))
    session = LiveSession(
        title=title[:200],
        host_id=host.id,
        unit_id=unit.id if unit is not None else None,
        quiz_id=quiz.id if quiz is not None else None,
        mode=settings.mode,
        format=settings.format,
        scoring=settings.scoring,
        seconds_per_question=settings.seconds_per_question,
        streak_bonus=settings.streak_bonus,
        guests=settings.guests,
        team_depth=settings.team_depth if settings.mode == Mode.TEAMS else None,
        pin=new_pin(),
        screen_token=secrets.token_urlsafe(24),
        state=LiveState.LOBBY,
        current_index=-1,
    )
    session.unit = unit
    _add_with_free_pin(session)
    for index, (version, choices) in enumerate(drawn):
        session.questions.append(
            LiveQuestion(
                index=index,
                version=version,
                choices=choices,
                seconds=settings.seconds_per_question,
            )
        )
    db.session.flush()
    if settings.mode == Mode.TEAMS:
        teams.create_teams(session, settings.team_depth, settings.team_names)
    messages.created(session)
    return session


# -- closing and opening questions ---------------------------------------------------------


def settle(session: LiveSession, now: datetime) -> None:
    """Close the open question if its deadline passed (at the deadline, not now)."""
    if deadline_passed(session, now):
        assert session.question_deadline is not None  # noqa: S101 - deadline_passed says so
        _close(session, session.question_deadline)


def _close(session: LiveSession, at: datetime) -> None:
    question = current_question(session)
    if question is not None:
        question.closed_at = at
        question.buzz_open = False
        scores.apply_answers(session, question.index)
    session.state = LiveState.REVEAL
    session.paused_at = None


def _open(session: LiveSession, index: int, now: datetime) -> None:
    question = session.questions[index]
    session.current_index = index
    session.state = LiveState.QUESTION
    session.question_opened_at = now
    session.question_deadline = now + timedelta(seconds=question.seconds)
    session.paused_at = None
    session.paused_ms = 0
    question.opened_at = now


# -- the host's actions ----------------------------------------------------------------------


def advance(session: LiveSession, by: User | None = None) -> LiveSession:
    """The host's "next": one step along lobby -> question -> reveal -> leaderboard -> ..."""
    now = utcnow()
    settle(session, now)
    match session.state:
        case LiveState.LOBBY:
            _open(session, 0, now)
        case LiveState.QUESTION:
            _close(session, now)
        case LiveState.REVEAL:
            session.state = LiveState.LEADERBOARD
        case LiveState.LEADERBOARD:
            if session.current_index + 1 < len(session.questions):
                _open(session, session.current_index + 1, now)
            else:
                _finish(session, now)
        case _:
            raise WrongStateError(_("The session has finished."))
    messages.changed(session)
    return session


def close(session: LiveSession) -> LiveSession:
    """Close the open question now and show its reveal (the host's console calls this when the
    countdown ends, so the reveal is published); a question already closed stays as it is."""
    now = utcnow()
    if session.state == LiveState.QUESTION:
        at = session.question_deadline if deadline_passed(session, now) else now
        assert at is not None  # noqa: S101 - an open question has a deadline
        _close(session, min(at, now))
        messages.changed(session)
    return session


def _require_open_question(session: LiveSession, now: datetime) -> None:
    settle(session, now)
    if session.state != LiveState.QUESTION:
        raise WrongStateError(_("No question is open."))


def pause(session: LiveSession) -> LiveSession:
    now = utcnow()
    _require_open_question(session, now)
    if session.paused_at is None:
        session.paused_at = now
        messages.changed(session)
    return session


def resume(session: LiveSession) -> LiveSession:
    now = utcnow()
    _require_open_question(session, now)
    if session.paused_at is not None and session.question_deadline is not None:
        paused = now - session.paused_at
        session.question_deadline += paused
        session.paused_ms += int(paused.total_seconds() * 1000)
        session.paused_at = None
        messages.changed(session)
    return session


def extend(session: LiveSession, seconds: int) -> LiveSession:
    """More time for the open question; speed points count against the longer limit."""
    now = utcnow()
    _require_open_question(session, now)
    if not 1 <= seconds <= MAX_EXTEND_SECONDS:
        raise ValidationError(
            _("Extend by 1 to %(n)d seconds.", n=MAX_EXTEND_SECONDS), field="seconds"
        )
    question = current_question(session)
    assert question is not None and session.question_deadline is not None  # noqa: S101
    session.question_deadline += timedelta(seconds=seconds)
    question.seconds += seconds
    messages.changed(session)
    return session


def skip(session: LiveSession) -> LiveSession:
    """Close the open question without showing its answer and go on to the next one (or the
    end); answers already given keep their points."""
    now = utcnow()
    _require_open_question(session, now)
    _close(session, now)
    if session.current_index + 1 < len(session.questions):
        _open(session, session.current_index + 1, now)
    else:
        _finish(session, now)
    messages.changed(session)
    return session


def end(session: LiveSession) -> LiveSession:
    """Finish the session now, from any state."""
    if session.state == LiveState.FINISHED:
        raise WrongStateError(_("The session has finished."))
    now = utcnow()
    settle(session, now)
    if session.state == LiveState.QUESTION:
        _close(session, now)
    _finish(session, now)
    messages.changed(session)
    return session


def _finish(session: LiveSession, now: datetime) -> None:
    session.state = LiveState.FINISHED
    session.finished_at = now
    session.paused_at = None
    awards.award_points(session)
