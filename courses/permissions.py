"""Who may author a course and who may take it."""

from __future__ import annotations

from typing import Any

from courses.models import Course
from lms.accounts.models import Role, User


def can_create_course(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN.value


def can_edit_course(user: User | Any, course: Course) -> bool:
    """Admins edit every course; organizers the courses an admin made them editors of."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN.value:
        return True
    return user.role == Role.ORGANIZER.value and any(e.id == user.id for e in course.editors)


def in_audience(user: User | Any, course: Course) -> bool:
    """Everyone, or members of one of the course's units or of a unit below one of them."""
    if not course.units:
        return True
    path = user.unit.path
    return any(path == unit.path or path.startswith(unit.path + "/") for unit in course.units)


def can_take_course(user: User | Any, course: Course) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if can_edit_course(user, course):
        return True
    return course.is_published and in_audience(user, course)
