"""Enrolling: by choice, or automatically for required courses of the member's unit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from courses.models import Course, Enrolment
from courses.permissions import can_take_course, in_audience
from lms.accounts.models import OrgUnit, Role, User
from lms.accounts.services import org_units
from lms.accounts.signals import unit_assigned
from lms.core.errors import NotFoundError
from lms.core.extensions import db


def enrolment_of(user: User, course: Course) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.user_id == user.id)
    )


def enrol(user: User, course: Course, *, automatic: bool = False) -> Enrolment:
    if not can_take_course(user, course):
        raise NotFoundError(_("This course does not exist."))
    enrolment = enrolment_of(user, course)
    if enrolment is None:
        enrolment = Enrolment(course_id=course.id, user_id=user.id, is_automatic=automatic)
        db.session.add(enrolment)
        db.session.flush()
    return enrolment


def enrol_required_for(users: list[User]) -> int:
    """Enrol members in every published required course of their audience; returns how many.

    Takes a constant number of queries however many users: an import of 500 members is one pass.
    """
    members = [user for user in users if user.role == Role.MEMBER.value and user.is_active]
    if not members:
        return 0
    required = db.session.scalars(
        select(Course)
        .where(Course.is_published.is_(True), Course.is_required.is_(True))
        .options(selectinload(Course.units))
    ).all()
    if not required:
        return 0
    existing = {
        tuple(row)
        for row in db.session.execute(
            select(Enrolment.user_id, Enrolment.course_id).where(
                Enrolment.user_id.in_([user.id for user in members]),
                Enrolment.course_id.in_([course.id for course in required]),
            )
        )
    }
    added = [
        Enrolment(course_id=course.id, user_id=user.id, is_automatic=True)
        for user in members
        for course in required
        if (user.id, course.id) not in existing and in_audience(user, course)
    ]
    db.session.add_all(added)
    db.session.flush()
    return len(added)


@unit_assigned.connect
def _enrol_required_on_unit_change(
    _sender: object = None, *, users: list[User], **_extra: object
) -> None:
    enrol_required_for(users)


def enrol_audience(course: Course) -> int:
    """Enrol every active member of a required course's audience who is not enrolled yet."""
    audience = (
        select(User.id)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .where(
            User.is_active.is_(True),
            User.role == Role.MEMBER.value,
            User.id.not_in(select(Enrolment.user_id).where(Enrolment.course_id == course.id)),
        )
    )
    if course.units:
        audience = audience.where(org_units.in_or_below(course.units))
    user_ids = db.session.scalars(audience).all()
    db.session.add_all(
        Enrolment(course_id=course.id, user_id=user_id, is_automatic=True) for user_id in user_ids
    )
    db.session.flush()
    return len(user_ids)
