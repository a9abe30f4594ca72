"""Who may use the notification routes (merged into the route matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED

ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "notifications.index": AUTHENTICATED,
    "notifications.open_one": AUTHENTICATED,
    "notifications.read": AUTHENTICATED,
    "notifications.read_all": AUTHENTICATED,
    "notifications.settings": AUTHENTICATED,
    "notifications.admin": ADMIN,
    "notifications_api.index": AUTHENTICATED,
    "notifications_api.read": AUTHENTICATED,
    "notifications_api.read_all": AUTHENTICATED,
}
# Someone else's notification or none at all: a 404 for everyone.
URL_VALUES = {"notification_id": 1}
