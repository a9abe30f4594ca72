"""Who may use the live routes of competitions and points (merged into the route matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "competition_live.board": AUTHENTICATED,
    "competition_live.board_json": AUTHENTICATED,
    "competition_live.display": PUBLIC,  # the unguessable display link is the secret
    "competition_live.display_json": PUBLIC,
}
