"""Buzzing on buzzer questions (抢答). The order comes from one counter per question, taken by
an ``UPDATE ... RETURNING`` that locks the question's row until the commit (SQLite: the write
lock), and the receive time is read after it: order 1 is always the earliest received buzz and
two buzzes never share an order. A buzz before the host opens buzzing is a foul (no order)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from live.models import LiveBuzz, LivePlayer, LiveQuestion, LiveSession, LiveState, QuestionKind
from live.services import messages
from live.services.errors import ClosedError, WrongStateError
from live.services.sessions import settle
from lms.core.clock import utcnow
from lms.core.errors import ValidationError
from lms.core.extensions import db


def _question(session: LiveSession, index: Any) -> LiveQuestion:
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValidationError(_("“index” must be a whole number."), field="index")
    if not 0 <= index < len(session.questions):
        raise ValidationError(_("There is no question %(n)s.", n=index), field="index")
    question = session.questions[index]
    if question.kind != QuestionKind.BUZZER:
        raise WrongStateError(_("This is not a buzzer question."), code="not_buzzer")
    return question


def _existing(session: LiveSession, player: LivePlayer, index: int, foul: bool) -> LiveBuzz | None:
    return db.session.scalar(
        select(LiveBuzz).where(
            LiveBuzz.session_id == session.id,
            LiveBuzz.index == index,
            LiveBuzz.player_id == player.id,
            LiveBuzz.is_foul.is_(foul),
        )
    )


def set_open(session: LiveSession, index: int, is_open: bool) -> LiveQuestion:
    """The host opens (or closes) buzzing on the current buzzer question."""
    settle(session, utcnow())
    question = _question(session, index)
    if session.state != LiveState.QUESTION or session.current_index != index:
        raise WrongStateError(_("Buzzing opens on the current question."))
    question.buzz_open = is_open
    messages.changed(session)
    return question


def buzz(session: LiveSession, player: LivePlayer, index: Any) -> LiveBuzz:
    """Record a buzz; a player's repeated buzz returns their first one."""
    settle(session, utcnow())
    question = _question(session, index)
    if player.session_id != session.id:
        raise ValidationError(_("You have not joined this session."), code="not_joined")
    if question.closed_at is not None or index < session.current_index:
        raise ClosedError(_("Buzzing on this question has closed."))
    foul = not question.buzz_open or session.current_index != index
    earlier = _existing(session, player, index, foul)
    if earlier is not None:
        return earlier
    try:
        with db.session.begin_nested():
            order = None
            if not foul:
                order = db.session.execute(
                    update(LiveQuestion)
                    .where(LiveQuestion.id == question.id)
                    .values(buzz_seq=LiveQuestion.buzz_seq + 1)
                    .returning(LiveQuestion.buzz_seq)
                ).scalar_one()
            row = LiveBuzz(
                session_id=session.id,
                index=index,
                player_id=player.id,
                team_id=player.team_id,
                order=order,
                is_foul=foul,
                received_at=utcnow(),  # read under the counter's lock: order follows time
            )
            db.session.add(row)
    except IntegrityError:
        raced = _existing(session, player, index, foul)
        assert raced is not None  # noqa: S101 - the unique row that refused ours
        return raced
    messages.changed(session)
    return row
