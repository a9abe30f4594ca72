"""Reading a member's notifications."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.core.extensions import db
from lms.notifications.models import Notification


def page_of(user: User, page: int, per_page: int) -> Any:
    """The member's notifications, newest first, as a Flask-SQLAlchemy page."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def unread_count(user: User) -> int:
    """Unread notifications: one count on the (user, read) index, for the bell on every page."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )
