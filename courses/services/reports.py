"""Course reports: enrolled, in progress and completed, overall and by organisation unit.

Organizers and admins see every unit, a unit's leader their own unit and the units below it.
Drafts are reported only to those who manage them (admins and the course's editors). Each
report is three grouped queries whatever the number of members.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, distinct, false, func, or_, select, true

from courses.models import Course, CourseItem, CourseModule, Enrolment, ItemProgress
from lms.accounts.models import OrgUnit, Role, User
from lms.accounts.services import org_units
from lms.core.errors import NotFoundError, PermissionDeniedError
from lms.core.extensions import db


@dataclass
class UnitRow:
    path: str
    enrolled: int = 0
    started: int = 0
    completed: int = 0

    @property
    def in_progress(self) -> int:
        return self.started - self.completed

    @property
    def not_started(self) -> int:
        return self.enrolled - self.started

    @property
    def completion_rate(self) -> int:
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0


@dataclass
class CourseReport:
    course: Course
    units: list[UnitRow] = field(default_factory=list)

    @property
    def total(self) -> UnitRow:
        row = UnitRow(_("All units"))
        for unit in self.units:
            row.enrolled += unit.enrolled
            row.started += unit.started
            row.completed += unit.completed
        return row


def report_scope(user: User) -> list[OrgUnit] | None:
    """None: everything (organizers, admins). Else the units a leader leads. Refused for others."""
    if user.is_organizer:
        return None
    led = list(db.session.scalars(select(OrgUnit).where(OrgUnit.leader_id == user.id)))
    if not led:
        raise PermissionDeniedError(_("Reports are for organizers, admins and unit leaders."))
    return led


def _in_scope(scope: list[OrgUnit] | None) -> ColumnElement[bool]:
    return OrgUnit.id.is_not(None) if scope is None else org_units.in_or_below(scope)


def course_report(course: Course, scope: list[OrgUnit] | None) -> CourseReport:
    base = (
        select(OrgUnit.path, func.count(distinct(Enrolment.user_id)))
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .where(Enrolment.course_id == course.id, User.is_active.is_(True), _in_scope(scope))
        .group_by(OrgUnit.path)
    )
    rows: dict[str, UnitRow] = {}
    for path, count in db.session.execute(base).all():
        rows[path] = UnitRow(path, enrolled=count)
    completed = base.where(Enrolment.completed_at.is_not(None))
    for path, count in db.session.execute(completed).all():
        rows[path].completed = count
    started = base.where(
        select(ItemProgress.id)
        .join(CourseItem, CourseItem.id == ItemProgress.item_id)
        .join(CourseModule, CourseModule.id == CourseItem.module_id)
        .where(
            and_(
                CourseModule.course_id == course.id,
                ItemProgress.user_id == Enrolment.user_id,
                ItemProgress.completed_at.is_not(None),
            )
        )
        .exists()
    )
    for path, count in db.session.execute(started).all():
        rows[path].started = count
    return CourseReport(course, [rows[path] for path in sorted(rows)])


def report_rows(report: CourseReport) -> tuple[list[str], list[list[object]]]:
    header = [
        _("Unit"),
        _("Enrolled"),
        _("Not started"),
        _("In progress"),
        _("Completed"),
        _("Completion rate (%)"),
    ]
    rows = [
        [
            row.path,
            row.enrolled,
            row.not_started,
            row.in_progress,
            row.completed,
            row.completion_rate,
        ]
        for row in [*report.units, report.total]
    ]
    return header, rows


def _reportable(user: User) -> ColumnElement[bool]:
    """Published courses; drafts only for those who manage them (admins, the course's editors)."""
    if user.role == Role.ADMIN.value:
        return true()
    managed = (
        Course.editors.any(User.id == user.id) if user.role == Role.ORGANIZER.value else false()
    )
    return or_(Course.is_published.is_(True), managed)


def courses_for_reports(user: User) -> list[Course]:
    return list(db.session.scalars(select(Course).where(_reportable(user)).order_by(Course.title)))


def course_for_report(user: User, course_id: int) -> Course:
    """The course to report on; a draft is not there (404) for anyone who does not manage it."""
    course = db.session.scalar(select(Course).where(Course.id == course_id, _reportable(user)))
    if course is None:
        raise NotFoundError(_("This course does not exist."))
    return course
