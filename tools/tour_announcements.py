"""The tour's announcement pages, over the demo seed's notices (lms/demo_announcements.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms.core.extensions import db
from lms.notifications.announcement_models import Announcement

# The tour costs every CI run about a second a page view; these two are opened by
# tests/browser/test_announcement_journey.py (manage) or share a toured template (edit).
LEFT_OUT = {
    "announcements.export": "a spreadsheet download",
    "announcements.edit": "the form of announcements.create, filled in",
    "announcements.manage": "a plain table; the announcement journey opens it in a browser",
}


def _notice(title: str) -> Announcement:
    return db.session.scalars(select(Announcement).where(Announcement.title == title)).one()


def announcement_stops(stop: Any, organizer: str, leader: str) -> list[Any]:
    """``leader`` reads the organizer's pinned study month notice (asking for acknowledgement)
    and posts to their branch; ``organizer`` sees who read the study month notice."""
    pinned = {"announcement_id": _notice("关于开展主题学习月活动的通知").id}
    return [
        stop(leader, "announcements.index"),
        stop(leader, "announcements.show", pinned),
        stop(leader, "announcements.create"),
        stop(organizer, "announcements.readers", pinned),
    ]
