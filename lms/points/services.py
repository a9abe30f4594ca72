"""Awarding and counting study points. Awards are idempotent and respect daily caps."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import ValidationError
from lms.core.extensions import db
from lms.core.settings import set_setting
from lms.points.models import PointAdjustment, PointEntry
from lms.points.rules import RULES, effective
from lms.points.signals import points_awarded


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
    entry = _entry(user, rule_key, points, source_type, source_id, reason, day)
    try:
        with db.session.begin_nested():  # a concurrent award of the same source wins the race
            db.session.add(entry)
    except IntegrityError:
        return None
    points_awarded.send(entry=entry)
    return entry


def record(
    user: User, rule_key: str, points: int, *, source_type: str, source_id: int, reason: str
) -> PointEntry:
    """An entry of exactly ``points`` (negative: a withdrawal), outside the daily caps; for
    corrections that an audited action stands behind (its id is the source)."""
    entry = _entry(user, rule_key, points, source_type, source_id, reason, today())
    db.session.add(entry)
    db.session.flush()
    return entry


def _entry(  # noqa: PLR0917 - the ledger row's own columns
    user: User, rule_key: str, points: int, source_type: str, source_id: int, reason: str, day: date
) -> PointEntry:
    return PointEntry(
        user_id=user.id,
        rule=rule_key,
        points=points,
        reason=reason[:300],
        source_type=source_type,
        source_id=source_id,
        awarded_on=day,
    )


def total(user: User) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(PointEntry.points), 0)).where(PointEntry.user_id == user.id)
    )


MAX_RULE_VALUE = 1000
MAX_ADJUSTMENT = 10_000


def day_number(day: date) -> int:
    """A day as the integer yyyymmdd: the source id of that day's login award."""
    return day.year * 10_000 + day.month * 100 + day.day


def award_daily_login(user: User) -> PointEntry | None:
    """The day's login points, once per member and local day; the reason names the day."""
    day = today()
    return award(
        user, "daily_login", source_type="day", source_id=day_number(day), reason=day.isoformat()
    )


def set_rule_values(rule_key: str, points: int, daily_cap: int | None) -> None:
    """Override a rule's points and daily cap (None: no cap) for the whole site."""
    if rule_key not in RULES or rule_key == "manual":
        raise ValidationError(_("Unknown points rule."), field="rule")
    for field, value in (("points", points), ("daily_cap", daily_cap)):
        if value is not None and not 0 <= value <= MAX_RULE_VALUE:
            raise ValidationError(
                _("Enter a number from 0 to %(max)d.", max=MAX_RULE_VALUE), field=field
            )
    set_setting(f"points.{rule_key}.points", points)
    set_setting(f"points.{rule_key}.daily_cap", daily_cap)


def adjust(user: User, points: int, reason: str, *, by: User) -> PointAdjustment:
    """A manual award (points > 0) or deduction (points < 0) with its audit row.

    The ledger entry carries exactly these points: the manual rule has no fixed points or cap.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason: members see it in their history."), field="reason")
    if len(reason) > 300:
        raise ValidationError(_("The reason is too long."), field="reason")
    if points == 0 or abs(points) > MAX_ADJUSTMENT:
        raise ValidationError(
            _("Enter a non-zero number from -%(max)d to %(max)d.", max=MAX_ADJUSTMENT),
            field="points",
        )
    adjustment = PointAdjustment(user_id=user.id, points=points, reason=reason, by_id=by.id)
    db.session.add(adjustment)
    db.session.flush()
    entry = PointEntry(
        user_id=user.id,
        rule="manual",
        points=points,
        reason=reason,
        source_type="adjustment",
        source_id=adjustment.id,
        awarded_on=today(),
    )
    db.session.add(entry)
    db.session.flush()
    points_awarded.send(entry=entry)
    return adjustment
