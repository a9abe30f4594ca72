"""Which courses a member may see: SQL for lists, matching ``permissions.in_audience``."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, not_, or_, select

from courses.models import Course, course_units
from lms.accounts.models import OrgUnit


def audience_clause(unit_path: str) -> ColumnElement[bool]:
    """True for courses open to everyone or to the unit at ``unit_path`` (or one above it)."""
    any_unit = exists().where(course_units.c.course_id == Course.id)
    matching_unit = (
        select(course_units.c.course_id)
        .join(OrgUnit, OrgUnit.id == course_units.c.unit_id)
        .where(
            course_units.c.course_id == Course.id,
            or_(
                OrgUnit.path == unit_path,
                func.substr(literal(unit_path), 1, func.length(OrgUnit.path) + 1)
                == OrgUnit.path + "/",
            ),
        )
        .exists()
    )
    return or_(not_(any_unit), matching_unit)


def visible_courses(unit_path: str) -> Select[tuple[Course]]:
    return select(Course).where(and_(Course.is_published.is_(True), audience_clause(unit_path)))
