"""Who may use the quiz api routes: merged into the route matrix's table (test_route_matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC  # noqa: F401

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "quizzes_api.create_quiz": STAFF,
    "quizzes_api.list_quizzes": AUTHENTICATED,
    "quizzes_api.get_quiz": AUTHENTICATED,
    "quizzes_api.start_attempt": AUTHENTICATED,
    "quizzes_api.get_attempt": AUTHENTICATED,
    "quizzes_api.save_answer": AUTHENTICATED,
    "quizzes_api.set_flag": AUTHENTICATED,
    "quizzes_api.check_answer": AUTHENTICATED,
    "quizzes_api.submit_attempt": AUTHENTICATED,
}
