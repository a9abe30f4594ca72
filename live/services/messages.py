"""What a change publishes, after the commit (``lms.core.push``; nothing without a push tier).

- ``live-<id>``: the host's changes (a question opens, closes, the board, the end, a buzz), each
  bumping the session's version; the message is the big screen's state, so it carries no answer
  before the reveal. Phones, the big screen and the host subscribe.
- ``live-<id>-screen``: the lobby's joiners and the count of answers, for the big screen and the
  host only. Joins and answers never write the session's row, so 2,000 of them do not queue on
  one lock, and phones are not sent 2,000 messages.
A phone's own score and rank come from its answer response and its next GET.
"""

from __future__ import annotations

from typing import Any

from live.models import LiveSession
from lms.core import push
from lms.core.extensions import db


def channel(session: LiveSession) -> str:
    return f"live-{session.id}"


def screen_channel(session: LiveSession) -> str:
    return f"live-{session.id}-screen"


def changed(session: LiveSession) -> None:
    """Bump the session's version (ETags and messages carry it) and publish its state."""
    session.version = (session.version or 0) + 1
    db.session.flush()
    if push.enabled():
        from live.services import board  # noqa: PLC0415 - board reads sessions, which calls here

        push.publish(channel(session), board.state_for(session, screen=True))


def _screen(session: LiveSession, message: dict[str, Any]) -> None:
    if push.enabled():
        push.publish(screen_channel(session), message)


def joined(session: LiveSession) -> None:
    if push.enabled():
        from live.services import board  # noqa: PLC0415

        _screen(
            session,
            {
                "kind": "players",
                "player_count": board.player_count(session),
                "players": board.lobby_players(session),
            },
        )


def answered(session: LiveSession, index: int) -> None:
    if push.enabled():
        from live.services import board  # noqa: PLC0415

        _screen(
            session,
            {"kind": "answered", "index": index, "answered": board.answered_count(session, index)},
        )
