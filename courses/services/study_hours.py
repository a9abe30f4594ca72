"""What courses, lessons and activities are worth in study hours (学时), and crediting them.

A course either counts as a whole (it has its own hours, credited when it is complete, and its
items credit nothing on their own) or item by item (no hours of its own: each lesson and
offline activity credits its hours when completed or attended). An item's hours default to its
minutes; the record itself is kept by ``lms.points.hours``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from courses.models import (
    ActivityRegistration,
    Course,
    CourseItem,
    CourseModule,
    Enrolment,
    ItemProgress,
)
from lms.accounts.models import User
from lms.core.clock import to_local
from lms.core.errors import ValidationError
from lms.core.extensions import db
from lms.points.hours import services as hours

HOURS_KINDS = ("lesson", "activity")


def item_centihours(item: CourseItem, per_hour: int | None = None) -> int:
    """The hours (in hundredths) a lesson or activity is worth: set by its author, or from its
    minutes. Other kinds (quizzes) are worth none."""
    if item.kind not in HOURS_KINDS:
        return 0
    if item.study_centihours is not None:
        return item.study_centihours
    return hours.centihours_from_minutes(item.minutes, per_hour)


def course_centihours(course: Course) -> int:
    """The course's own hours, or the sum of its published lessons and activities."""
    if course.study_centihours is not None:
        return course.study_centihours
    per_hour = hours.minutes_per_hour()
    return sum(
        item_centihours(item, per_hour)
        for module in course.modules
        if module.is_published
        for item in module.items
        if item.is_published
    )


def set_study_hours(target: Course | CourseItem, text: str | None) -> None:
    """An author's hours for a course or item, as typed ("1.5"); empty: the default."""
    target.study_centihours = hours.parse_hours(text, field="study_hours")
    db.session.flush()


@dataclass(frozen=True)
class GivenHours:
    """Study hours an API body gives: hundredths, or None for the default."""

    centihours: int | None


def apply_hours(given: GivenHours | None, target: Course | CourseItem) -> None:
    """Set what :func:`hours_in_body` found, if anything."""
    if given is not None:
        target.study_centihours = given.centihours
        db.session.flush()


def hours_in_body(data: dict[str, object]) -> GivenHours | None:
    """The ``study_hours`` of an API body (a number, or null), checked before anything is
    written; None when the body does not mention them."""
    if "study_hours" not in data:
        return None
    value = data["study_hours"]
    if value is None:
        return GivenHours(None)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(_("Enter a number."), field="study_hours")
    return GivenHours(hours.parse_hours(repr(value), field="study_hours"))


def study_hours_text(target: Course | CourseItem) -> str:
    return hours.hours_text(target.study_centihours)


def credit_item(user: User, item: CourseItem) -> None:
    course = item.module.course
    if course.study_centihours is None and item.kind in HOURS_KINDS:
        hours.credit(
            user,
            source_type=item.kind,
            source_id=item.id,
            title=item.title,
            centihours=item_centihours(item),
        )


def withdraw_item(user: User, item: CourseItem) -> None:
    if item.kind in HOURS_KINDS:
        hours.withdraw(user, source_type=item.kind, source_id=item.id)


def credit_course(user: User, course: Course) -> None:
    if course.study_centihours is not None:
        hours.credit(
            user,
            source_type="course",
            source_id=course.id,
            title=course.title,
            centihours=course.study_centihours,
        )


def _day(moment: datetime) -> date:
    return to_local(moment, current_app.config["TIMEZONE"]).date()


def credit_completed_work() -> int:
    """Credit what was completed before study hours were counted: lessons completed, activities
    attended, courses with hours of their own completed, each on the day it was done. Safe to
    run again: what is credited already stays as it is. Returns how many were credited."""
    per_hour = hours.minutes_per_hour()
    credited = 0
    lessons = db.session.execute(
        select(ItemProgress.user_id, ItemProgress.completed_at, CourseItem)
        .join(CourseItem, CourseItem.id == ItemProgress.item_id)
        .join(CourseModule, CourseModule.id == CourseItem.module_id)
        .join(Course, Course.id == CourseModule.course_id)
        .where(
            ItemProgress.completed_at.is_not(None),
            CourseItem.kind == "lesson",
            Course.study_centihours.is_(None),
        )
    ).all()
    attended = db.session.execute(
        select(ActivityRegistration.user_id, ActivityRegistration.attended_at, CourseItem)
        .join(CourseItem, CourseItem.id == ActivityRegistration.item_id)
        .join(CourseModule, CourseModule.id == CourseItem.module_id)
        .join(Course, Course.id == CourseModule.course_id)
        .where(ActivityRegistration.attended_at.is_not(None), Course.study_centihours.is_(None))
    ).all()
    for user_id, done_at, item in [*lessons, *attended]:
        credited += _credit_past(user_id, item.kind, item.id, item.title, done_at,
                                 item_centihours(item, per_hour))  # fmt: skip
    courses = db.session.execute(
        select(Enrolment.user_id, Enrolment.completed_at, Course)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.completed_at.is_not(None), Course.study_centihours.is_not(None))
    ).all()
    for user_id, done_at, course in courses:
        credited += _credit_past(user_id, "course", course.id, course.title, done_at,
                                 course.study_centihours)  # fmt: skip
    return credited


def _credit_past(  # noqa: PLR0917 - one row of completed work
    user_id: int, source: str, source_id: int, title: str, done_at: datetime, centihours: int
) -> int:
    user = db.session.get(User, user_id)
    entry = hours.credit(
        user, source_type=source, source_id=source_id, title=title, centihours=centihours,
        on=_day(done_at),
    )  # fmt: skip
    return int(entry is not None)
