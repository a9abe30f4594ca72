"""Who may use the pages routes of competitions and points (merged into the route matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC  # noqa: F401

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "competitions.index": AUTHENTICATED,
    "competitions.show": AUTHENTICATED,
    "competitions.register": AUTHENTICATED,
    "competitions.unregister": AUTHENTICATED,
}
