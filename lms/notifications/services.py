"""Creating notifications, queueing their deliveries, reading and preferences."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.core.backup.restore import batched
from lms.core.clock import utcnow
from lms.core.errors import NotFoundError, ValidationError
from lms.core.extensions import db
from lms.notifications.channels import CHANNELS, MemberChannel, event_channels, member_channels
from lms.notifications.kinds import Kind
from lms.notifications.models import (
    Delivery,
    Notification,
    NotificationAddress,
    NotificationPreference,
)

BATCH = 500
QUEUED_FLAG = "lms_notifications_queued"  # session.info: deliveries wait for the sender
TITLE_LENGTH = 300


def notify(
    user_ids: Iterable[int],
    kind: Kind,
    *,
    key: str,
    url: str | None,
    message: Callable[[], tuple[str, str]],
) -> int:
    """One in-app notification per user (title, body Markdown) unless (user_id, key) already
    exists; deliveries queued for the channels each user chose. `message()` is called once per
    recipient language under flask_babel.force_locale, so titles are in the reader's language.
    Flushes, never commits; returns how many were created. Safe to call twice with one key."""
    wanted = sorted(set(user_ids))
    for channel in event_channels():  # the units' group robots: once per event, not per member
        channel.queue_event(wanted, Kind(kind), key=key, url=url, message=message)
    for attempt in range(2):
        try:
            with db.session.begin_nested():
                return _notify(wanted, Kind(kind), key, url, message)
        except IntegrityError:  # another transaction notified some of them just now
            if attempt:
                raise
    return 0  # pragma: no cover - the loop returns or raises


def _notify(
    user_ids: list[int],
    kind: Kind,
    key: str,
    url: str | None,
    message: Callable[[], tuple[str, str]],
) -> int:
    by_language: dict[str, list[int]] = defaultdict(list)
    default_language = current_app.config["DEFAULT_LANGUAGE"]
    for batch in batched(user_ids, BATCH):
        already = set(
            db.session.scalars(
                select(Notification.user_id).where(
                    Notification.key == key, Notification.user_id.in_(batch)
                )
            )
        )
        rows = db.session.execute(
            select(User.id, User.language).where(User.id.in_(batch), User.is_active.is_(True))
        )
        for user_id, language in rows:
            if user_id not in already:
                by_language[language or default_language].append(user_id)
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for language, members in sorted(by_language.items()):
        with force_locale(language):
            title, body = message()
        title, body = str(title)[:TITLE_LENGTH], str(body)
        rows.extend(
            {
                "user_id": user_id,
                "kind": kind.value,
                "key": key,
                "title": title,
                "body_md": body,
                "url": url,
                "created_at": now,
            }
            for user_id in members
        )
    if not rows:
        return 0
    returned = db.session.execute(  # multi-row INSERTs: 10,000 members are a few statements
        insert(Notification).returning(Notification.user_id, Notification.id), rows
    )
    _queue_member_deliveries(kind, {user_id: id_ for user_id, id_ in returned})
    return len(rows)


def _queue_member_deliveries(kind: Kind, notification_ids: dict[int, int]) -> None:
    """Outbox entries for the channels each user chose; ``notification_ids``: user -> id."""
    channels = member_channels()
    if not channels:
        return
    deliveries: list[dict[str, Any]] = []
    for batch in batched(notification_ids, BATCH):
        choices: dict[str, dict[int, bool]] = defaultdict(dict)
        for user_id, channel, enabled in db.session.execute(
            select(
                NotificationPreference.user_id,
                NotificationPreference.channel,
                NotificationPreference.is_enabled,
            ).where(
                NotificationPreference.kind == kind.value, NotificationPreference.user_id.in_(batch)
            )
        ):
            choices[channel][user_id] = enabled
        for channel in channels:
            default = kind in channel.default_kinds
            chosen = [u for u in batch if choices[channel.key].get(u, default)]
            for user_id in sorted(channel.reachable(chosen)) if chosen else ():
                notification_id = notification_ids[user_id]
                deliveries.append(
                    {
                        "key": f"{channel.key}:{notification_id}",
                        "channel": channel.key,
                        "notification_id": notification_id,
                    }
                )
    if deliveries:
        db.session.execute(insert(Delivery), deliveries)
        db.session.info[QUEUED_FLAG] = True


def queue_delivery(
    channel: str,
    key: str,
    *,
    notification_id: int | None = None,
    target: str | None = None,
    payload: Any = None,
) -> Delivery | None:
    """Queue one delivery for ``channel`` unless one with this idempotency key exists (None
    then). For channels that are not chosen by members, such as the units' group robots."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown notification channel {channel!r}")
    if db.session.scalar(select(Delivery.id).where(Delivery.key == key)) is not None:
        return None
    delivery = Delivery(
        key=key, channel=channel, notification_id=notification_id, target=target, payload=payload
    )
    try:
        with db.session.begin_nested():
            db.session.add(delivery)
    except IntegrityError:  # queued by a concurrent transaction
        return None
    db.session.info[QUEUED_FLAG] = True
    return delivery


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (again: nothing changes)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFoundError(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.flush()
    return result.rowcount or 0


def channel_choices(user: User) -> dict[tuple[str, str], bool]:
    """(kind, channel) -> whether the member gets that kind on that channel."""
    stored = {
        (row.kind, row.channel): row.is_enabled
        for row in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    return {
        (kind.value, channel.key): stored.get(
            (kind.value, channel.key), kind in channel.default_kinds
        )
        for kind in Kind
        for channel in member_channels()
    }


def set_channel_choices(user: User, chosen: set[tuple[str, str]]) -> None:
    """Store the member's choices: ``chosen`` holds the (kind, channel) pairs switched on."""
    for kind in Kind:
        for channel in member_channels():
            _set_choice(user, kind, channel, (kind.value, channel.key) in chosen)
    db.session.flush()


def _set_choice(user: User, kind: Kind, channel: MemberChannel, enabled: bool) -> None:
    row = db.session.get(NotificationPreference, (user.id, kind.value, channel.key))
    if enabled == (kind in channel.default_kinds):
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        db.session.add(
            NotificationPreference(
                user_id=user.id, kind=kind.value, channel=channel.key, is_enabled=enabled
            )
        )
    else:
        row.is_enabled = enabled


EMAIL_PATTERN = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def email_of(user: User) -> str | None:
    row = db.session.get(NotificationAddress, user.id)
    return row.email if row else None


def adopt_directory_email(user: User, email: str) -> bool:
    """The directory's address becomes the member's when they never chose one (an address they
    typed, or one they emptied to get no email, stays); one the site would not send to is
    left out. Whether it was taken."""
    if db.session.get(NotificationAddress, user.id) is not None:
        return False
    try:
        set_email(user, email)
    except ValidationError:
        return False
    return True


def set_email(user: User, email: str | None) -> None:
    """Where the member's email notifications go (empty: nowhere)."""
    email = (email or "").strip() or None
    if email is not None and (len(email) > 254 or not EMAIL_PATTERN.match(email)):
        raise ValidationError(_("Enter an email address such as name@example.org."), field="email")
    row = db.session.get(NotificationAddress, user.id)
    if row is None:
        db.session.add(NotificationAddress(user_id=user.id, email=email))
    else:
        row.email = email
    db.session.flush()
