"""Who may use the live session routes (merged into the route matrix), and the sample session
their URLs name: hosted by someone else, so a member or organizer acting in the matrix is no
player or host of it (a 404, never a 401/403 for those the table lets in)."""

from __future__ import annotations

from typing import Any

from live.services import joining, sessions
from live.services.sessions import SessionSettings
from lms.accounts.permissions import AUTHENTICATED, PUBLIC

AUDIENCE: dict[str, str | frozenset[str]] = {
    "live_api.create_session": AUTHENTICATED,  # organizers, admins and unit leaders
    "live_api.join": PUBLIC,  # guests join sessions that take them
    "live_api.get_session": PUBLIC,  # host, players (guests by cookie), screen by token
    "live_api.leaderboard": PUBLIC,
    "live_api.answer": PUBLIC,
    "live_api.buzz": PUBLIC,
    "live_api.next_step": AUTHENTICATED,  # the host (checked per session)
    "live_api.close": AUTHENTICATED,
    "live_api.pause": AUTHENTICATED,
    "live_api.resume": AUTHENTICATED,
    "live_api.extend": AUTHENTICATED,
    "live_api.skip": AUTHENTICATED,
    "live_api.end": AUTHENTICATED,
    "live_api.buzzing": AUTHENTICATED,
    "live_api.move_player": AUTHENTICATED,
    "live_api.report": AUTHENTICATED,  # host, organizers, admins, leaders above its unit
    "live_results.report": AUTHENTICATED,
    "live_results.export": AUTHENTICATED,
}
# Declared for every logged-in user, then refused to members who lead no unit.
LEADERS_AND_STAFF = {"live_api.create_session"}


def url_values(objects: dict[str, Any]) -> dict[str, Any]:
    session = sessions.create_session(
        objects["user"], SessionSettings(title="Sample live"), quiz=objects["quiz"]
    )
    player = joining.join(session.pin, user=objects["user"])
    return {"session_id": session.id, "player_id": player.id}
