"""The competition live board and big screen on the push tier (nginx + Nchan).

Channels: ``competition-<id>`` for the member live page (who may watch: as the page itself,
``can_see_competition``) and ``display-<token>`` for the big screen (the display link's secret is
the permission). Whenever the standings change (``standings_changed``) or the competition row
itself does (publishing, dates, freeze and reveal, a new or revoked display link), the public
board is sent to both after the commit, coalesced per competition (``push.publish_coalesced``):
one board read and one POST per channel per half second at most, however many members submit.
An old display link's channel gets ``{"gone": true}``, which takes the open big screen down.

A member's own row is not in these messages (they are the same for every watcher): the member
page re-reads it with a slow poll of ``board.json`` (see static/js/live_board.js).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import has_app_context
from flask_login import current_user
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from competitions.models import Competition
from competitions.permissions import can_see_competition
from competitions.services.live_messages import GONE, board_message
from competitions.signals import standings_changed
from lms.core import push
from lms.core.extensions import db

_ID_DIGITS = 18


def member_channel(competition_id: int) -> str:
    return f"competition-{competition_id}"


def display_channel(token: str) -> str:
    return f"display-{token}"


def _may_watch(rest: str) -> bool:
    if not rest.isdigit() or len(rest) > _ID_DIGITS:
        return False
    competition = db.session.get(Competition, int(rest))
    return competition is not None and can_see_competition(current_user, competition)


def _may_display(token: str) -> bool:
    found = db.session.scalar(select(Competition.id).where(Competition.display_token == token))
    return found is not None


def _board_messages(competition_id: int) -> Iterable[tuple[str, bytes]]:
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        return []
    message = board_message(competition)
    channels = [member_channel(competition.id)]
    if competition.display_token:
        channels.append(display_channel(competition.display_token))
    return [(channel, message) for channel in channels]


def board_changed(competition_id: int) -> None:
    """Send the competition's board to its watchers once this transaction commits."""
    push.publish_coalesced(
        f"competition-board-{competition_id}", lambda: _board_messages(competition_id)
    )


def _on_standings_changed(_sender: Any = None, *, competition_id: int, **_extra: Any) -> None:
    board_changed(competition_id)


def _on_flush(session: Session, _context: Any) -> None:
    """A changed competition row (stage, dates, freeze, reveal, display link) reaches pages."""
    if not has_app_context() or not push.enabled():
        return
    for competition in [o for o in session.dirty if isinstance(o, Competition)]:
        if session.is_modified(competition):
            board_changed(competition.id)
    # A new competition's channel starts from its own board: Nchan keeps a channel's last
    # message for new subscribers, and an id may be handed out again after a deletion.
    for competition in [o for o in session.new if isinstance(o, Competition)]:
        board_changed(competition.id)


def _on_new_display_token(_target: Competition, token: Any, old: Any, _initiator: Any) -> None:
    """The big screen on a replaced or revoked link goes down (its old channel hears so)."""
    if isinstance(old, str) and old and old != token and has_app_context():
        push.publish(display_channel(old), GONE)


push.register_channel("competition", _may_watch)
push.register_channel("display", _may_display)
standings_changed.connect(_on_standings_changed)
event.listen(Session, "after_flush", _on_flush)
event.listen(Competition.display_token, "set", _on_new_display_token, active_history=True)
