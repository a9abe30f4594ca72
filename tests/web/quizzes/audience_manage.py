"""Who may use the quiz manage routes: merged into the route matrix's table (test_route_matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC  # noqa: F401

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "quiz_manage.index": STAFF,
    "quiz_manage.create": STAFF,
    "quiz_manage.edit": STAFF,
    "quiz_manage.show": STAFF,
    "quiz_manage.add_question": STAFF,
    "quiz_manage.add_rule": STAFF,
    "quiz_manage.remove_slot": STAFF,
    "quiz_manage.move_slot": STAFF,
    "quiz_manage.publish": STAFF,
    "quiz_manage.attach": STAFF,
    "quiz_manage.for_item": STAFF,
}
