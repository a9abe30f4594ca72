"""Site settings that admins change at run time (as opposed to deployment configuration)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import TimestampMixin
from lms.core.extensions import db


class SiteSetting(TimestampMixin, db.Model):
    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


def get_setting(key: str, default: Any = None) -> Any:
    row = db.session.get(SiteSetting, key)
    return default if row is None else row.value


def set_setting(key: str, value: Any) -> None:
    row = db.session.get(SiteSetting, key)
    if row is None:
        db.session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()
