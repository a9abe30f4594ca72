"""Who may use the live pages (merged into the route matrix).

The organizer's pages are declared for every logged-in user and refused per object: creating
to members who lead no unit, hosting to anyone but the host (and admins). The phone's and the
big screen's routes are public: a guest plays by cookie, the screen's link is its secret.
"""

from __future__ import annotations

from typing import Any

from live.models import LiveSession
from live.services import sessions
from live.services.sessions import SessionSettings
from lms.accounts.permissions import AUTHENTICATED, PUBLIC
from lms.core.extensions import db

AUDIENCE: dict[str, str | frozenset[str]] = {
    "live.index": AUTHENTICATED,
    "live.create": AUTHENTICATED,
    "live.host": AUTHENTICATED,
    "live.host_state": AUTHENTICATED,
    "live.act": AUTHENTICATED,
    "live.results": AUTHENTICATED,
    "live.join": PUBLIC,
    "live.play": PUBLIC,
    "live.screen": PUBLIC,
}
# Refused to a member who leads no unit and hosts nothing.
LEADERS_AND_STAFF = {
    "live.index", "live.create", "live.host", "live.host_state", "live.act", "live.results",
}  # fmt: skip


def url_values(objects: dict[str, Any]) -> dict[str, Any]:
    """A session over the sample quiz, hosted by the acting organizer (the sample course's
    editor) or, for other roles, by the sample member (admins host any session)."""
    editors = objects["course"].editors
    host = editors[0] if editors else objects["user"]
    session: LiveSession = sessions.create_session(
        host, SessionSettings(title="Sample live"), quiz=objects["quiz"]
    )
    db.session.commit()
    return {"session_id": session.id, "screen_token": session.screen_token, "action": "next"}
