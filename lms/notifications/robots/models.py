"""A unit's group robot: a webhook of WeCom, DingTalk or Feishu."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import OrgUnit
from lms.core.db import TimestampMixin
from lms.core.extensions import db
from lms.notifications.robots.providers import PROVIDER_VALUES, Provider, masked_address


class RobotWebhook(TimestampMixin, db.Model):
    """Posts the events named in ``kinds`` that concern members of ``unit`` (or of units below
    it) to one group chat. ``url`` (WeCom's carries its key) and ``secret`` are credentials:
    pages show them masked."""

    __tablename__ = "robot_webhooks"
    __table_args__ = (CheckConstraint(f"provider IN {PROVIDER_VALUES!r}", name="provider_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(1000))
    secret: Mapped[str | None] = mapped_column(String(200))
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))

    unit: Mapped[OrgUnit] = relationship()

    @property
    def provider_enum(self) -> Provider:
        return Provider(self.provider)

    @property
    def masked_url(self) -> str:
        return masked_address(self.url)

    def __repr__(self) -> str:
        return f"<RobotWebhook {self.provider} {self.name}>"
