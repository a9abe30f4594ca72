"""Reading announcements: a reader's list and home cards, an author's list, who read what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from lms.accounts.models import OrgUnit, User
from lms.core.extensions import db
from lms.core.paging import Page
from lms.notifications.announcement_models import Announcement, AnnouncementReceipt
from lms.notifications.announcements import audience_query, visible_clause

HOME_LIMIT = 5
READER_STATUSES = ("", "unread", "unacknowledged")


@dataclass(frozen=True)
class ReaderItem:
    """An announcement as one reader sees it."""

    announcement: Announcement
    read_at: datetime | None
    acknowledged_at: datetime | None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def awaits_ack(self) -> bool:
        return self.announcement.requires_ack and self.acknowledged_at is None


def _reader_select(user: User) -> Any:
    return (
        select(Announcement, AnnouncementReceipt.read_at, AnnouncementReceipt.acknowledged_at)
        .outerjoin(
            AnnouncementReceipt,
            and_(
                AnnouncementReceipt.announcement_id == Announcement.id,
                AnnouncementReceipt.user_id == user.id,
            ),
        )
        .where(visible_clause(user))
        .options(selectinload(Announcement.author), selectinload(Announcement.units))
        .order_by(
            Announcement.is_pinned.desc(), Announcement.published_at.desc(), Announcement.id.desc()
        )
    )


def _count(query: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def for_reader(user: User, page: int = 1, per_page: int = 20) -> Page:
    """Every announcement addressed to ``user``: pinned first, then the newest."""
    query = _reader_select(user)
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = [ReaderItem(*row) for row in rows]
    return Page(items=items, total=_count(query), page=page, per_page=per_page)


def for_home(user: User, limit: int = HOME_LIMIT) -> list[ReaderItem]:
    """What the home page shows: pinned notices, and those unread or awaiting acknowledgement."""
    query = _reader_select(user).where(
        or_(
            Announcement.is_pinned.is_(True),
            AnnouncementReceipt.read_at.is_(None),
            and_(
                Announcement.requires_ack.is_(True), AnnouncementReceipt.acknowledged_at.is_(None)
            ),
        )
    )
    return [ReaderItem(*row) for row in db.session.execute(query.limit(limit))]


@dataclass(frozen=True)
class Tally:
    """How many an announcement reaches, and how many of them read and acknowledged it."""

    audience: int
    read: int
    acknowledged: int


@dataclass(frozen=True)
class ManagedItem:
    announcement: Announcement
    tally: Tally


def tally(announcement: Announcement) -> Tally:
    audience = audience_query(announcement).subquery()
    receipts = (
        select(
            func.count(),
            func.count(AnnouncementReceipt.read_at),
            func.count(AnnouncementReceipt.acknowledged_at),
        )
        .select_from(audience)
        .outerjoin(
            AnnouncementReceipt,
            and_(
                AnnouncementReceipt.user_id == audience.c.id,
                AnnouncementReceipt.announcement_id == announcement.id,
            ),
        )
    )
    total, read, acknowledged = db.session.execute(receipts).one()
    return Tally(total, read, acknowledged)


def managed_by(user: User, page: int = 1, per_page: int = 20) -> Page:
    """The announcements ``user`` posted (an admin: every announcement), newest first."""
    query = (
        select(Announcement)
        .options(selectinload(Announcement.units))
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
    )
    if not user.is_admin:
        query = query.where(Announcement.author_id == user.id)
    found = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    items = [ManagedItem(a, tally(a)) for a in found]
    return Page(items=items, total=_count(query), page=page, per_page=per_page)


@dataclass(frozen=True)
class ReaderRow:
    unit: str
    name: str
    username: str
    read_at: datetime | None
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    unit: str
    tally: Tally


def _readers_select(announcement: Announcement) -> Any:
    return audience_query(announcement).outerjoin(
        AnnouncementReceipt,
        and_(
            AnnouncementReceipt.user_id == User.id,
            AnnouncementReceipt.announcement_id == announcement.id,
        ),
    )


def by_unit(announcement: Announcement) -> list[UnitRow]:
    """Per unit of the readers (their own unit, not the ones above): who read and acknowledged."""
    query = (
        _readers_select(announcement)
        .with_only_columns(
            OrgUnit.id,
            OrgUnit.path,
            func.count(),
            func.count(AnnouncementReceipt.read_at),
            func.count(AnnouncementReceipt.acknowledged_at),
        )
        .group_by(OrgUnit.id, OrgUnit.path)
        .order_by(OrgUnit.path)
    )
    return [
        UnitRow(unit_id, path, Tally(total, read, ack))
        for unit_id, path, total, read, ack in db.session.execute(query)
    ]


def readers(
    announcement: Announcement, *, unit_id: int | None = None, status: str = ""
) -> list[ReaderRow]:
    """Every reader of the announcement with when they read and acknowledged it, by unit."""
    query = _readers_select(announcement).with_only_columns(
        OrgUnit.path,
        User.display_name,
        User.username,
        AnnouncementReceipt.read_at,
        AnnouncementReceipt.acknowledged_at,
    )
    if unit_id is not None:
        query = query.where(OrgUnit.id == unit_id)
    if status == "unread":
        query = query.where(AnnouncementReceipt.read_at.is_(None))
    elif status == "unacknowledged":
        query = query.where(AnnouncementReceipt.acknowledged_at.is_(None))
    query = query.order_by(OrgUnit.path, User.display_name, User.id)
    return [ReaderRow(*row) for row in db.session.execute(query)]
