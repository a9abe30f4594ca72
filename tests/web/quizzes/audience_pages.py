"""Who may use the quiz pages routes: merged into the route matrix's table (test_route_matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC  # noqa: F401

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "quizzes.course_item": AUTHENTICATED,
    "quizzes.index": AUTHENTICATED,
    "quizzes.start_page": AUTHENTICATED,
    "quizzes.start": AUTHENTICATED,
    "quizzes.attempt": AUTHENTICATED,
    "quizzes.save": AUTHENTICATED,
    "quizzes.submit": AUTHENTICATED,
    "quizzes.review": AUTHENTICATED,
}
