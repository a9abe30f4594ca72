"""Creating a live session, joining it by PIN, and the host's state machine.

lobby -> question -> reveal -> leaderboard -> next question ... -> finished. A question closes at
its deadline by the server's clock: every write first settles a question whose deadline passed
(:func:`settle`), and every read sees it closed (:func:`effective_state`), so no timer runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, exists, select, update
from sqlalchemy.exc import IntegrityError

from live.models import (
    Format,
    LiveAnswer,
    LivePlayer,
    LiveQuestion,
    LiveSession,
    LiveState,
    Mode,
    Scoring,
)
from live.permissions import can_join
from live.services import awards, messages, questions, teams
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
from lms.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from lms.core.extensions import db
from quizzes.models import Quiz

# The clock's readings are part of this module's interface (pages call sessions.*).
__all__ = ["current_question", "effective_state", "elapsed_ms", "seconds_left"]

MIN_SECONDS, MAX_SECONDS = 5, 600
MAX_EXTEND_SECONDS = 300
MAX_NICKNAME = 30
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
    db.session.add(session)
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
    return session


# -- joining ---------------------------------------------------------------------------------


def open_session_by_pin(pin: str) -> LiveSession:
    session = None
    if isinstance(pin, str) and len(pin) == 6 and pin.isascii() and pin.isdigit():
        session = db.session.scalar(
            select(LiveSession).where(
                LiveSession.pin == pin, LiveSession.state != LiveState.FINISHED
            )
        )
    if session is None:
        raise NotFoundError(_("No open session has this PIN."), code="unknown_pin")
    return session


def player_of(session: LiveSession, user: User) -> LivePlayer | None:
    return db.session.scalar(
        select(LivePlayer).where(LivePlayer.session_id == session.id, LivePlayer.user_id == user.id)
    )


def guest_player(session: LiveSession, guest_key: str | None) -> LivePlayer | None:
    if not guest_key:
        return None
    return db.session.scalar(
        select(LivePlayer).where(
            LivePlayer.session_id == session.id, LivePlayer.guest_key == guest_key
        )
    )


def _add_player(session: LiveSession, player: LivePlayer) -> LivePlayer | None:
    """Insert the player; None when a parallel join of the same user won the race."""
    try:
        with db.session.begin_nested():
            db.session.add(player)
    except IntegrityError:
        return None
    return player


def join(
    pin: str,
    *,
    user: User | None = None,
    nickname: str | None = None,
    guest_key: str | None = None,
) -> LivePlayer:
    """Join the open session with this PIN; joining again returns the same player (and score).

    A signed-in member joins as themselves; without ``user`` a guest joins with a nickname when
    the session takes guests, and comes back with the ``guest_key`` it was given.
    """
    session = open_session_by_pin(pin)
    if user is not None:
        return _join_member(session, user)
    existing = guest_player(session, guest_key)
    if existing is not None:
        return existing
    if not session.guests:
        raise PermissionDeniedError(
            _("This session is for signed-in members; log in to join."), code="guests_off"
        )
    name = " ".join((nickname or "").split())
    if not name or len(name) > MAX_NICKNAME:
        raise ValidationError(
            _("Give a nickname of 1 to %(n)d characters.", n=MAX_NICKNAME), field="nickname"
        )
    taken = db.session.scalar(
        select(LivePlayer.id).where(
            LivePlayer.session_id == session.id, LivePlayer.nickname == name
        )
    )
    if taken is not None:
        raise ValidationError(
            _("Someone in this session already uses this nickname."),
            code="nickname_taken",
            field="nickname",
        )
    player = LivePlayer(session_id=session.id, nickname=name, guest_key=secrets.token_urlsafe(24))
    player.team_id = teams.team_for(session, None)
    _add_player(session, player)
    messages.joined(session)
    return player


def _join_member(session: LiveSession, user: User) -> LivePlayer:
    existing = player_of(session, user)
    if existing is not None:
        return existing
    if not can_join(user, session):
        raise PermissionDeniedError(
            _("This session is for the members of %(unit)s.", unit=session.unit.path)
            if session.unit is not None
            else _("You cannot join this session."),
            code="not_eligible",
        )
    player = LivePlayer(
        session_id=session.id,
        user_id=user.id,
        nickname=user.display_name[:100],
        unit_id=user.unit_id,
    )
    player.team_id = teams.team_for(session, user)
    if _add_player(session, player) is None:
        raced = player_of(session, user)
        assert raced is not None  # noqa: S101 - the unique row that refused ours
        return raced
    messages.joined(session)
    return player


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
        _apply_answers(session, question.index)
    session.state = LiveState.REVEAL
    session.paused_at = None


def _apply_answers(session: LiveSession, index: int) -> None:
    """Add the closed question's points to the players' scores, in SQL (so a judge's change to
    the same rows in parallel is not lost); a wrong or missing answer breaks the streak."""
    mine = (LiveAnswer.player_id == LivePlayer.id, LiveAnswer.index == index)
    points = select(LiveAnswer.points).where(*mine).scalar_subquery()
    right = exists().where(*mine, LiveAnswer.is_correct.is_(True))
    answered = exists().where(*mine)
    db.session.flush()
    db.session.execute(
        update(LivePlayer)
        .where(LivePlayer.session_id == session.id)
        .values(
            score=LivePlayer.score + case((answered, points), else_=0),
            correct_count=LivePlayer.correct_count + case((right, 1), else_=0),
            streak=case((right, LivePlayer.streak + 1), else_=0),
        )
        .execution_options(synchronize_session=False)
    )
    for player in [o for o in db.session.identity_map.values() if isinstance(o, LivePlayer)]:
        db.session.expire(player)


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
