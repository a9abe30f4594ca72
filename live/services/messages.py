"""What a change publishes, after the commit (``lms.core.push``; nothing without a push tier).

- ``live-<id>``: the host's changes (a question opens, closes, the board, the end, a buzz), each
  bumping the session's version; the message is the big screen's state, so it carries no answer
  before the reveal. The host and the big screen subscribe (and a stage session's team phones).
- ``live-<id>-p<k>``: the same state for the phones of players whose id is k modulo
  ``PLAYER_BUCKETS``; after a question closes it also carries each of those players'
  ``[score, rank, points, right]`` under ``results`` (by player id), so no phone needs a
  request of its own and none gets the whole session's results.
- ``live-<id>-screen``: the lobby's joiners and the count of answers, for the big screen and the
  host only. Joins and answers never write the session's row, so 2,000 of them do not queue on
  one lock, and phones are not sent 2,000 messages.
"""

from __future__ import annotations

from typing import Any

from live.models import Format, LiveSession
from lms.core import push
from lms.core.extensions import db

PLAYER_BUCKETS = 64  # phones' channels per session: a bucket's share of a reveal stays small


def channel(session: LiveSession) -> str:
    return f"live-{session.id}"


def screen_channel(session: LiveSession) -> str:
    return f"live-{session.id}-screen"


def player_channel(session: LiveSession, player_id: int) -> str:
    """The channel of the phones whose player ids fall in this one's bucket."""
    return f"live-{session.id}-p{player_id % PLAYER_BUCKETS}"


def changed(session: LiveSession) -> None:
    """Bump the session's version (ETags and messages carry it) and publish its state: to the
    host and the big screen on ``live-<id>``, and to the phones on their buckets' channels,
    each with the results of its own players only (a reveal of 2,000 players sent whole to
    every phone would be 2,000 x 60 KB)."""
    session.version = (session.version or 0) + 1
    db.session.flush()
    if push.enabled():
        from live.services import board  # noqa: PLC0415 - board reads sessions, which calls here

        message = board.state_for(session, screen=True)
        by_bucket: dict[int, dict[str, list[int]]] = {}
        # A stage session's team phones listen on ``live-<id>`` (stage_pages): no buckets.
        if session.format != Format.STAGE:
            by_bucket = {bucket: {} for bucket in board.player_buckets(session, PLAYER_BUCKETS)}
            for player_id, result in board.player_results(session).items():
                by_bucket.setdefault(int(player_id) % PLAYER_BUCKETS, {})[player_id] = result
        push.publish_each(
            [(channel(session), message)]
            + [
                (f"live-{session.id}-p{bucket}", {**message, "results": mine} if mine else message)
                for bucket, mine in sorted(by_bucket.items())
            ]
        )


def created(session: LiveSession) -> None:
    """A new session's channels start from its own state. Nchan gives a new subscriber the
    channel's last message, kept for hours, and channels are named by ids, which a database may
    hand out again (the newest session deleted, a test database emptied): without this a page
    of the new session would first hear the old one's state, players or results."""
    if not push.enabled():
        return
    from live.services import board  # noqa: PLC0415

    state = board.state_for(session, screen=True)
    buckets = range(PLAYER_BUCKETS) if session.format != Format.STAGE else range(0)
    push.publish_each(
        [(channel(session), state)]
        + [(f"live-{session.id}-p{bucket}", state) for bucket in buckets]
        + [(screen_channel(session), {"kind": "players", "player_count": 0, "players": []})]
    )


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


def answered(session_id: int, index: int) -> None:
    """The count of answers for the big screen and the host, coalesced (``push``): 2,000
    answers in a few seconds lead to a message every interval, not a count and a POST each."""
    if push.enabled():
        push.publish_coalesced(
            f"live-{session_id}-answered", lambda: _answered_message(session_id, index)
        )


def _answered_message(session_id: int, index: int) -> list[tuple[str, push.Message]]:
    from live.services import board  # noqa: PLC0415

    session = db.session.get(LiveSession, session_id)
    if session is None:
        return []
    count = board.answered_count(session, index)
    return [(screen_channel(session), {"kind": "answered", "index": index, "answered": count})]
