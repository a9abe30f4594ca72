"""The tour's announcement pages, over the demo seed's notices (lms/demo_announcements.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms.core.extensions import db
from lms.notifications.announcement_models import Announcement

LEFT_OUT = {"announcements.export": "a spreadsheet download"}


def _notice(title: str) -> Announcement:
    return db.session.scalars(select(Announcement).where(Announcement.title == title)).one()


def announcement_stops(stop: Any, organizer: str, leader: str) -> list[Any]:
    """``leader`` posted the branch meeting notice; ``organizer`` the pinned study month."""
    pinned = {"announcement_id": _notice("关于开展主题学习月活动的通知").id}
    branch = {"announcement_id": _notice("关于召开支部党员大会的通知").id}
    return [
        stop(leader, "announcements.index"),
        stop(leader, "announcements.show", pinned),
        stop(leader, "announcements.create"),
        stop(leader, "announcements.manage"),
        stop(leader, "announcements.readers", branch),
        stop(leader, "announcements.edit", branch),
        stop(organizer, "announcements.readers", pinned, label="everyone"),
    ]
