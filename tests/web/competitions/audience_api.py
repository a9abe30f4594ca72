"""Who may use the api routes of competitions and points (merged into the route matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC  # noqa: F401

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "competitions_api.create_competition": STAFF,
    "competitions_api.list_competitions": AUTHENTICATED,
    "competitions_api.get_competition": AUTHENTICATED,
    "competitions_api.register": AUTHENTICATED,
    "competitions_api.leaderboard": AUTHENTICATED,
}
