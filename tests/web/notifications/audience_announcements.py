"""Who may use the announcement routes (merged into the route matrix), and the sample notice
their URLs name: posted to everyone by an admin who is not the one acting, so managing it
answers 404 to all but admins, never a 401/403 to those the table lets in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms.accounts.permissions import AUTHENTICATED
from lms.core.extensions import db
from lms.notifications import announcements
from lms.notifications.announcement_models import Announcement
from lms.notifications.announcements import AnnouncementDraft
from tests.factories import UserFactory

AUDIENCE: dict[str, str | frozenset[str]] = {
    "announcements.index": AUTHENTICATED,
    "announcements.show": AUTHENTICATED,
    "announcements.acknowledge": AUTHENTICATED,
    "announcements.create": AUTHENTICATED,  # organizers, admins and unit leaders
    "announcements.manage": AUTHENTICATED,
    "announcements.edit": AUTHENTICATED,  # its author and admins (others: 404)
    "announcements.withdraw": AUTHENTICATED,
    "announcements.readers": AUTHENTICATED,
    "announcements.export": AUTHENTICATED,
    "announcements_api.list_announcements": AUTHENTICATED,
    "announcements_api.create_announcement": AUTHENTICATED,
    "announcements_api.get_announcement": AUTHENTICATED,
    "announcements_api.update_announcement": AUTHENTICATED,  # its author and admins
    "announcements_api.withdraw_announcement": AUTHENTICATED,
    "announcements_api.read": AUTHENTICATED,
    "announcements_api.acknowledge": AUTHENTICATED,
    "announcements_api.readers": AUTHENTICATED,
}
SAMPLE_TITLE = "Sample notice"
# Declared for every logged-in user, then refused to members who lead no unit.
LEADERS_AND_STAFF = {
    "announcements.create",
    "announcements.manage",
    "announcements_api.create_announcement",
}


def url_values(_objects: dict[str, Any]) -> dict[str, Any]:
    """The sample notice, posted on the first call of a test."""
    notice = db.session.scalar(select(Announcement).where(Announcement.title == SAMPLE_TITLE))
    if notice is None:
        author = UserFactory(username="announcer", role="admin")
        notice = announcements.publish(author, AnnouncementDraft(SAMPLE_TITLE, "Hello"))
    return {"announcement_id": notice.id}
