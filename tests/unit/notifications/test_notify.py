"""notify(): one notification per member and key, in the member's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.notifications.kinds import Kind
from lms.notifications.models import Notification
from lms.notifications.queries import unread_count
from lms.notifications.services import mark_all_read, mark_read, notify


def _message() -> tuple[str, str]:
    return _("Results are published"), "**" + _("Home") + "**"


def test_one_notification_per_member_and_key_in_each_language(
    db: Any, make_user: Callable[..., User]
) -> None:
    chinese = make_user(username="zh", language="zh_Hans")
    english = make_user(username="en", language="en")
    default = make_user(username="default", language=None)
    ids = [chinese.id, english.id, default.id]

    created = notify(ids, Kind.RESULTS_PUBLISHED, key="results:1", url="/r/1", message=_message)
    again = notify(ids, Kind.RESULTS_PUBLISHED, key="results:1", url="/r/1", message=_message)
    db.session.commit()

    assert (created, again) == (3, 0)
    titles = dict(db.session.execute(select(Notification.user_id, Notification.title)).all())
    assert titles == {
        chinese.id: "成绩已公布",
        english.id: "Results are published",
        default.id: "成绩已公布",
    }
    bodies = set(db.session.scalars(select(Notification.body_md)))
    assert bodies == {"**首页**", "**Home**"}


def test_inactive_and_unknown_members_get_nothing(db: Any, make_user: Callable[..., User]) -> None:
    gone = make_user(username="gone", is_active=False)
    assert notify([gone.id, 999_999], Kind.ANNOUNCEMENT, key="a:1", url=None, message=_message) == 0


def test_read_one_and_all(db: Any, make_user: Callable[..., User]) -> None:
    reader, other = make_user(username="reader"), make_user(username="other")
    for number in range(3):
        notify(
            [reader.id, other.id], Kind.ANNOUNCEMENT, key=f"a:{number}", url=None, message=_message
        )
    first = db.session.scalars(
        select(Notification).where(Notification.user_id == reader.id)
    ).first()

    mark_read(reader, first.id)
    assert unread_count(reader) == 2
    assert mark_all_read(reader) == 2
    assert unread_count(reader) == 0
    assert unread_count(other) == 3
    unread = select(func.count()).where(Notification.read_at.is_(None))
    assert db.session.scalar(unread) == 3
