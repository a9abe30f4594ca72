"""Who may use the points routes of competitions and points (merged into the route matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC  # noqa: F401

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "points.index": AUTHENTICATED,
    "points.leaderboard": AUTHENTICATED,
    "points.admin": ADMIN,
    "points.save_rule": ADMIN,
    "points.adjust": ADMIN,
    "points_api.me": AUTHENTICATED,
    "points_api.leaderboard": AUTHENTICATED,
}
