"""Who may use the quiz results routes: merged into the route matrix's table (test_route_matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC  # noqa: F401

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    # Declared for every logged-in user, then refused to members who lead no unit.
    "quiz_results.results": AUTHENTICATED,
    "quiz_results.export": AUTHENTICATED,
    "quiz_results.statistics": STAFF,
    "quiz_results.grading": STAFF,
    "quiz_results.grade": STAFF,
    "quiz_results.regrade": STAFF,
}
LEADERS_AND_STAFF = {"quiz_results.results", "quiz_results.export"}
