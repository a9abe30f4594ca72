"""Announcements (通知公告): who may post to which units, publishing, reading, acknowledging.

Admins and organizers post to any units (none chosen: everyone); a unit leader posts to the
units they lead and the units below them. An announcement reaches the active users of its units
and of every unit below them, whatever their role, as the tree stands when they look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, not_, or_, select
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import OrgUnit, User
from lms.accounts.services import org_units
from lms.core.clock import utcnow
from lms.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from lms.core.extensions import db
from lms.core.text import check_plain_text
from lms.notifications.announcement_models import (
    Announcement,
    AnnouncementReceipt,
    announcement_units,
)
from lms.notifications.kinds import Kind
from lms.notifications.models import Notification
from lms.notifications.services import notify

MAX_TITLE = 200
MAX_BODY = 20_000


@dataclass
class AnnouncementDraft:
    title: str
    body_md: str = ""
    unit_ids: list[int] = field(default_factory=list)
    is_pinned: bool = False
    requires_ack: bool = False


def postable_units(user: User | Any) -> list[OrgUnit] | None:
    """The units ``user`` may address: None for every unit (organizers, admins), else the
    units they lead with every unit below them (empty: they may not post)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_organizer:
        return None
    led = org_units.led_units(user)
    if not led:
        return []
    return list(
        db.session.scalars(select(OrgUnit).where(org_units.in_or_below(led)).order_by(OrgUnit.path))
    )


def can_post(user: User | Any) -> bool:
    return postable_units(user) != []


def require_poster(user: User | Any) -> list[OrgUnit] | None:
    """:func:`postable_units`, refused to whoever may not post."""
    allowed = postable_units(user)
    if allowed == []:
        raise PermissionDeniedError(
            _("Announcements are posted by organizers, admins and unit leaders.")
        )
    return allowed


def can_manage(user: User | Any, announcement: Announcement) -> bool:
    """The author edits, withdraws and follows an announcement; admins any announcement."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or announcement.author_id == user.id


def _clean(user: User, draft: AnnouncementDraft) -> list[OrgUnit]:
    title = " ".join((draft.title or "").split())
    if not title:
        raise ValidationError(_("The announcement needs a title."), field="title")
    if len(title) > MAX_TITLE:
        raise ValidationError(
            _("A title has at most %(n)d characters.", n=MAX_TITLE), field="title"
        )
    draft.title = check_plain_text(title, field="title")
    if len(draft.body_md or "") > MAX_BODY:
        raise ValidationError(
            _("The text has at most %(n)d characters.", n=MAX_BODY), field="body_md"
        )
    draft.body_md = check_plain_text(draft.body_md or "", field="body_md", multiline=True)
    allowed = require_poster(user)
    wanted = set(draft.unit_ids)
    units = (
        list(db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(wanted)))) if wanted else []
    )
    if len(units) != len(wanted):
        raise ValidationError(_("One of the chosen units does not exist."), field="unit_ids")
    if allowed is not None:
        if not units:
            raise ValidationError(_("Choose at least one of the units you lead."), field="unit_ids")
        allowed_ids = {unit.id for unit in allowed}
        if any(unit.id not in allowed_ids for unit in units):
            raise ValidationError(
                _("You may only address the units you lead and the units below them."),
                field="unit_ids",
            )
    return units


def publish(author: User, draft: AnnouncementDraft) -> Announcement:
    """Post an announcement now and notify its readers, its author aside. Flushes."""
    units = _clean(author, draft)
    announcement = Announcement(
        title=draft.title,
        body_md=draft.body_md,
        author=author,
        is_pinned=draft.is_pinned,
        requires_ack=draft.requires_ack,
        published_at=utcnow(),
        units=units,
    )
    db.session.add(announcement)
    db.session.flush()
    mark_read(author, announcement)  # an author among the readers has read it
    _notify_readers(announcement)
    return announcement


def _key(announcement: Announcement) -> str:
    return f"announcement:{announcement.id}"


def page_path(announcement: Announcement) -> str:
    """The announcement's page, with or without a request (the demo seed posts too)."""
    return current_app.url_map.bind("localhost").build(
        "announcements.show", {"announcement_id": announcement.id}
    )


def _notify_readers(announcement: Announcement) -> int:
    readers = [
        user_id for user_id in audience_ids(announcement) if user_id != announcement.author_id
    ]
    title, body = announcement.title, announcement.body_md
    return notify(
        readers,
        Kind.ANNOUNCEMENT,
        key=_key(announcement),
        url=page_path(announcement),
        message=lambda: (_("Announcement: %(title)s", title=title), body),
    )


def update(editor: User, announcement: Announcement, draft: AnnouncementDraft) -> Announcement:
    """Change an announcement in place; its readers keep their receipts."""
    if not can_manage(editor, announcement):
        raise PermissionDeniedError(_("Only its author or an admin may change this announcement."))
    announcement.units = _clean(editor, draft)
    announcement.title = draft.title
    announcement.body_md = draft.body_md
    announcement.is_pinned = draft.is_pinned
    announcement.requires_ack = draft.requires_ack
    db.session.flush()
    return announcement


def withdraw(editor: User, announcement: Announcement) -> None:
    """Delete the announcement with its readers' notifications and their outbox entries (an
    email not sent yet stays unsent), so no bell points at a page that is gone."""
    if not can_manage(editor, announcement):
        raise PermissionDeniedError(
            _("Only its author or an admin may withdraw this announcement.")
        )
    db.session.execute(
        sql_delete(Notification).where(Notification.key == _key(announcement)),
        execution_options={"synchronize_session": False},
    )
    db.session.delete(announcement)
    db.session.flush()


def visible_clause(user: User) -> ColumnElement[bool]:
    """SQL: the announcement addresses everyone, or ``user``'s unit or a unit above it."""
    addressed = exists().where(announcement_units.c.announcement_id == Announcement.id)
    reaches = (
        select(announcement_units.c.announcement_id)
        .join(OrgUnit, OrgUnit.id == announcement_units.c.unit_id)
        .where(
            announcement_units.c.announcement_id == Announcement.id,
            org_units.at_or_above(user.unit.path),
        )
        .exists()
    )
    return or_(not_(addressed), reaches)


def get_managed(user: User, announcement_id: int) -> Announcement:
    """The announcement, if ``user`` may manage it; else not found, as for a stranger."""
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or not can_manage(user, announcement):
        raise NotFoundError(_("This announcement does not exist or is not yours to manage."))
    return announcement


def is_addressed_to(user: User | Any, announcement: Announcement) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return not announcement.units or org_units.is_in_or_below(user.unit, announcement.units)


def get_for(user: User, announcement_id: int) -> Announcement:
    """The announcement, if ``user`` is among its readers or may manage it; else not found."""
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or not (
        is_addressed_to(user, announcement) or can_manage(user, announcement)
    ):
        raise NotFoundError(_("This announcement does not exist or is not addressed to you."))
    return announcement


def audience_query(announcement: Announcement) -> Any:
    """SQL: the active users an announcement reaches (select of ``User``, joined to its unit)."""
    query = select(User).join(OrgUnit, OrgUnit.id == User.unit_id).where(User.is_active.is_(True))
    if announcement.units:
        query = query.where(org_units.in_or_below(list(announcement.units)))
    return query


def audience_ids(announcement: Announcement) -> list[int]:
    return list(db.session.scalars(audience_query(announcement).with_only_columns(User.id)))


def receipt_of(user: User, announcement: Announcement) -> AnnouncementReceipt | None:
    return db.session.scalar(
        select(AnnouncementReceipt).where(
            AnnouncementReceipt.announcement_id == announcement.id,
            AnnouncementReceipt.user_id == user.id,
        )
    )


def mark_read(user: User, announcement: Announcement) -> AnnouncementReceipt | None:
    """Record that a reader opened it (once); None for someone it does not address."""
    if not is_addressed_to(user, announcement):
        return None
    receipt = receipt_of(user, announcement)
    if receipt is not None:
        return receipt
    receipt = AnnouncementReceipt(
        announcement_id=announcement.id, user_id=user.id, read_at=utcnow()
    )
    try:
        with db.session.begin_nested():
            db.session.add(receipt)
    except IntegrityError:  # the same reader's other tab recorded it a moment ago
        return receipt_of(user, announcement)
    db.session.execute(  # its notification is read too: the bell stops counting it
        sql_update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.key == _key(announcement),
            Notification.read_at.is_(None),
        )
        .values(read_at=receipt.read_at)
    )
    return receipt


def acknowledge(user: User, announcement: Announcement) -> AnnouncementReceipt:
    """The reader confirms they read it; a second confirmation keeps the first time."""
    if not announcement.requires_ack:
        raise ValidationError(_("This announcement asks for no acknowledgement."))
    receipt = mark_read(user, announcement)
    if receipt is None:
        raise NotFoundError(_("This announcement does not exist or is not addressed to you."))
    if receipt.acknowledged_at is None:
        receipt.acknowledged_at = utcnow()
        db.session.flush()
    return receipt
