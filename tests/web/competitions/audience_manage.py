"""Who may use the manage routes of competitions and points (merged into the route matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED, PUBLIC  # noqa: F401

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "competition_manage.index": STAFF,
    "competition_manage.create": STAFF,
    "competition_manage.edit": STAFF,
    "competition_manage.show": STAFF,
    "competition_manage.publish": STAFF,
    "competition_manage.disqualify": STAFF,
    "competition_manage.reinstate": STAFF,
    "competition_manage.renew_display": STAFF,
    "competition_manage.revoke_display": STAFF,
    "competition_manage.rebuild": STAFF,
    "competition_manage.freeze": STAFF,
    "competition_manage.reveal": STAFF,
    "competition_manage.grant_award": STAFF,
}
