"""Who may use the stage routes (merged into the route matrix). Pages of one session check
per object (host, judges, players) and answer 404 to everyone else."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC

STAFF = frozenset({"organizer", "admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "live_stage.index": STAFF,
    "live_stage.create": STAFF,
    "live_stage.host": AUTHENTICATED,
    "live_stage.act": AUTHENTICATED,
    "live_stage.undo": AUTHENTICATED,
    "live_stage.adjust": AUTHENTICATED,
    "live_stage.judge": AUTHENTICATED,
    "live_stage.mark": AUTHENTICATED,
    "live_stage.join": AUTHENTICATED,
    "live_stage.team": AUTHENTICATED,
    "live_stage.buzz": AUTHENTICATED,
    "live_stage.answer": AUTHENTICATED,
    "live_stage.risk": AUTHENTICATED,
    "live_stage.screen": PUBLIC,  # the unguessable screen link is the secret
    "live_stage.screen_state": PUBLIC,
    "live_stage.state": AUTHENTICATED,
    "live_stage_api.get_stage": AUTHENTICATED,
    "live_stage_api.act": AUTHENTICATED,
    "live_stage_api.mark": AUTHENTICATED,
    "live_stage_api.adjust": AUTHENTICATED,
    "live_stage_api.risk": AUTHENTICATED,
}
# URL values for the matrix (a session nobody may see: the per-object checks answer 404).
URL_VALUES = {"session_id": 999_999, "action": "next", "screen_token": "not-a-real-token"}
