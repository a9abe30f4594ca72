"""Who is looking at a session: its host, one of its players (a member, or a guest by the key in
their cookie), one of a stage session's judges, or the big screen (by its secret token). The
API, the pages and the push tier's channel check all ask :func:`viewer_for`, so they agree on
who sees what."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from live.models import Format, LivePlayer, LiveSession
from live.permissions import can_host
from live.services import joining, stage_scoring

GUEST_COOKIE = "live_guest_{id}"  # a guest's key for session {id}; HttpOnly, one per session


def guest_cookie_name(session_id: int) -> str:
    return GUEST_COOKIE.format(id=session_id)


@dataclass(frozen=True)
class Viewer:
    session: LiveSession
    player: LivePlayer | None = None
    is_host: bool = False
    is_screen: bool = False
    is_judge: bool = False

    @property
    def may_watch(self) -> bool:
        return self.is_host or self.is_screen or self.is_judge or self.player is not None


def screen_token_matches(session: LiveSession, token: str | None) -> bool:
    if not token:
        return False
    given = str(token).encode("utf-8", "surrogatepass")
    return hmac.compare_digest(session.screen_token.encode(), given)


def viewer_for(
    session: LiveSession, user: Any, *, guest_key: str | None = None, token: str | None = None
) -> Viewer:
    """The viewer's roles in ``session`` (none of them: may not watch)."""
    player = None
    if getattr(user, "is_authenticated", False):
        player = joining.player_of(session, user)
    if player is None and guest_key:
        player = joining.guest_player(session, guest_key)
    is_host = can_host(user, session)
    return Viewer(
        session=session,
        player=player,
        is_host=is_host,
        is_screen=screen_token_matches(session, token),
        is_judge=(
            not is_host
            and player is None
            and session.format == Format.STAGE
            and stage_scoring.judge_of(session, user) is not None
        ),
    )
