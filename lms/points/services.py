"""Awarding and counting study points. Awards are idempotent and respect daily caps."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.points.models import PointEntry
from lms.points.rules import RULES, effective


def today() -> date:
    """The day in the site's time zone: a daily cap resets at local midnight."""
    return utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def award(
    user: User, rule_key: str, *, source_type: str, source_id: int, reason: str
) -> PointEntry | None:
    """Record the points ``rule_key`` gives for this source, once. None when already awarded.

    When the daily cap is reached the entry is still written, with the points that fit (maybe
    0), so the history says why nothing more was added.
    """
    existing = db.session.scalar(
        select(PointEntry).where(
            PointEntry.user_id == user.id,
            PointEntry.rule == rule_key,
            PointEntry.source_type == source_type,
            PointEntry.source_id == source_id,
        )
    )
    if existing is not None:
        return None
    rule = effective(RULES[rule_key])
    day = today()
    points = rule.points
    if rule.daily_cap is not None:
        so_far = db.session.scalar(
            select(func.coalesce(func.sum(PointEntry.points), 0)).where(
                PointEntry.user_id == user.id,
                PointEntry.rule == rule_key,
                PointEntry.awarded_on == day,
            )
        )
        points = max(0, min(points, rule.daily_cap - so_far))
    entry = PointEntry(
        user_id=user.id,
        rule=rule_key,
        points=points,
        reason=reason[:300],
        source_type=source_type,
        source_id=source_id,
        awarded_on=day,
    )
    try:
        with db.session.begin_nested():  # a concurrent award of the same source wins the race
            db.session.add(entry)
    except IntegrityError:
        return None
    return entry


def total(user: User) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(PointEntry.points), 0)).where(PointEntry.user_id == user.id)
    )
