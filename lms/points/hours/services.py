"""Crediting study hours and setting the yearly targets.

The domains that own the work (courses) decide what a piece of work is worth and call
:func:`credit` when it is complete; this module keeps the record. Credits are idempotent.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import OrgUnit, Role, User
from lms.core.errors import NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.settings import get_setting, set_setting
from lms.points.hours.models import SOURCES, StudyHourEntry, StudyHourTarget
from lms.points.services import today

MINUTES_PER_HOUR_KEY = "hours.minutes_per_hour"
DEFAULT_MINUTES_PER_HOUR = 60
MAX_CENTIHOURS = 100_000  # 1,000 hours: more than any year asks
HOURS_PATTERN = re.compile(r"^\d{1,4}([.,]\d{1,2})?$")


def minutes_per_hour() -> int:
    """How many minutes of study make one study hour (学时): 60 unless an admin says 45 or 50."""
    return int(get_setting(MINUTES_PER_HOUR_KEY, DEFAULT_MINUTES_PER_HOUR))


def set_minutes_per_hour(minutes: int) -> None:
    if not 30 <= minutes <= 60:
        raise ValidationError(_("Enter a number from 30 to 60."), field="minutes_per_hour")
    set_setting(MINUTES_PER_HOUR_KEY, minutes)


def centihours_from_minutes(minutes: int, per_hour: int | None = None) -> int:
    """The default hours of ``minutes`` of work, rounded to the nearest hundredth
    (``per_hour``: the setting, read once by a caller that converts many)."""
    per_hour = per_hour or minutes_per_hour()
    return (max(0, minutes) * 100 + per_hour // 2) // per_hour


def parse_hours(text: str | None, *, field: str, allow_zero: bool = True) -> int | None:
    """``"1.5"`` as 150 hundredths; empty as None. Refuses what is not 0 to 1,000 hours."""
    text = (text or "").strip()
    if not text:
        return None
    if not HOURS_PATTERN.match(text):
        raise ValidationError(
            _("Enter hours as a number with at most two decimals, such as 1.5."), field=field
        )
    try:
        centihours = int(Decimal(text.replace(",", ".")) * 100)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise ValidationError(_("Enter a number."), field=field) from error
    if centihours > MAX_CENTIHOURS or (centihours == 0 and not allow_zero):
        raise ValidationError(
            _(
                "Enter hours from %(low)s to %(high)d.",
                low="0" if allow_zero else "0.01",
                high=1000,
            ),
            field=field,
        )
    return centihours


def hours_text(centihours: int | None) -> str:
    """150 as "1.5", 200 as "2", 8 as "0.08": how a form shows stored hours."""
    if centihours is None:
        return ""
    return format(Decimal(centihours) / 100, "f").rstrip("0").rstrip(".") if centihours else "0"


def credit(
    user: User,
    *,
    source_type: str,
    source_id: int,
    title: str,
    centihours: int,
    on: date | None = None,
) -> StudyHourEntry | None:
    """Record the hours of a completed piece of work, today (or ``on``, the local day it was
    completed). None when already credited or when it is worth nothing."""
    if source_type not in SOURCES:
        raise ValueError(source_type)
    if centihours <= 0:
        return None
    existing = db.session.scalar(
        select(StudyHourEntry.id).where(
            StudyHourEntry.user_id == user.id,
            StudyHourEntry.source_type == source_type,
            StudyHourEntry.source_id == source_id,
        )
    )
    if existing is not None:
        return None
    entry = StudyHourEntry(
        user_id=user.id,
        source_type=source_type,
        source_id=source_id,
        title=title[:200],
        centihours=min(centihours, MAX_CENTIHOURS),
        earned_on=on or today(),
    )
    try:
        with db.session.begin_nested():  # a concurrent credit of the same source wins the race
            db.session.add(entry)
    except IntegrityError:
        return None
    return entry


def withdraw(user: User, *, source_type: str, source_id: int) -> None:
    """Take back a credit whose work turned out not done (an attendance unmarked)."""
    db.session.execute(
        delete(StudyHourEntry).where(
            StudyHourEntry.user_id == user.id,
            StudyHourEntry.source_type == source_type,
            StudyHourEntry.source_id == source_id,
        )
    )
    db.session.flush()


MIN_YEAR, MAX_YEAR = 2000, 2100


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("Enter a year from %(low)d to %(high)d.", low=MIN_YEAR, high=MAX_YEAR), field="year"
        )
    return year


def set_target(
    *, year: int, unit: OrgUnit | None, role: str | None, centihours: int
) -> StudyHourTarget:
    """The year's target for a unit (and the units below it), a role, both or everyone;
    setting one that exists changes its hours."""
    check_year(year)
    if role is not None and role not in {r.value for r in Role}:
        raise ValidationError(_("Unknown role."), field="role")
    if not 0 < centihours <= MAX_CENTIHOURS:
        raise ValidationError(
            _("Enter hours from %(low)s to %(high)d.", low="0.01", high=1000), field="hours"
        )
    unit_id = unit.id if unit is not None else None
    target = db.session.scalar(
        select(StudyHourTarget).where(
            StudyHourTarget.year == year,
            StudyHourTarget.unit_id.is_(None)
            if unit_id is None
            else StudyHourTarget.unit_id == unit_id,
            StudyHourTarget.role.is_(None) if role is None else StudyHourTarget.role == role,
        )
    )
    if target is None:
        target = StudyHourTarget(year=year, unit_id=unit_id, role=role, centihours=centihours)
        db.session.add(target)
    target.centihours = centihours
    db.session.flush()
    return target


def delete_target(target_id: int) -> None:
    target = db.session.get(StudyHourTarget, target_id)
    if target is None:
        raise NotFoundError(_("This target does not exist."))
    db.session.delete(target)
    db.session.flush()
