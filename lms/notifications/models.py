"""Notifications, members' channel choices, email addresses and the delivery outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.clock import utcnow
from lms.core.extensions import db


class Notification(db.Model):
    """One message to one member, in the member's language; the in-app centre lists them.

    ``key`` names the event (``grade:17``): a second notify() for the same member and key
    creates nothing, so senders may repeat themselves safely.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
        Index("ix_notifications_key", "key"),  # a withdrawn announcement's, for every reader
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    body_md: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(db.Model):
    """A member's choice for one kind and channel, stored only where it differs from the
    channel's default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    is_enabled: Mapped[bool]


class NotificationAddress(db.Model):
    """Where a member's email goes (users have no address of their own)."""

    __tablename__ = "notification_addresses"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(String(254))


class DeliveryState:
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # handed to the channel; the outcome is not yet recorded
    SENT = "sent"
    FAILED = "failed"  # given up: too many attempts, a permanent error, or an unknown outcome


class Delivery(db.Model):
    """One message for one channel, sent by the sender process, never inside a web request.

    ``key`` is the idempotency key (``email:<notification id>``, a robot's
    ``robot:<event>:<webhook id>``): the outbox holds at most one delivery per key, and a
    delivery is handed to its channel at most once per attempt, so nothing is sent twice.
    """

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        Index("ix_notification_deliveries_due", "state", "next_attempt_at"),
        # a group robot's latest posts (its admin page), newest first
        Index("ix_notification_deliveries_channel_target", "channel", "target", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    target: Mapped[str | None] = mapped_column(String(200))  # a channel's own address, if any
    payload: Mapped[Any | None] = mapped_column(JSON)  # a channel's own message, if any
    state: Mapped[str] = mapped_column(String(10), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A sender that picked the delivery holds it until then; after it, another sender may.
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
