"""Joining a live session by its PIN: members as themselves, guests with a nickname (when the
session takes them) who come back by the key they were given; joining again returns the same
player, with their score."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from live.models import LivePlayer, LiveSession, LiveState
from live.permissions import can_join
from live.services import messages, teams
from lms.accounts.models import User
from lms.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from lms.core.extensions import db

MAX_NICKNAME = 30


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
