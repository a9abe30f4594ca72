"""Who may use the practice, daily quiz and notebook routes (merged into the route matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC  # noqa: F401

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "practice.index": AUTHENTICATED,
    "practice.start": AUTHENTICATED,
    "practice.daily": AUTHENTICATED,
    "practice.start_daily": AUTHENTICATED,
    "practice.notebook": AUTHENTICATED,
    "practice.practise_notebook": AUTHENTICATED,
    "practice.manage": ADMIN,
}
