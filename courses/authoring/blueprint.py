"""The authoring pages' blueprint and what its pages share: the course being edited."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user

from courses.models import Course
from courses.permissions import can_edit_course
from courses.services.progress import load_course

bp = Blueprint("course_authoring", __name__, url_prefix="/manage")
# The add-module form shares the course page with the course form: its fields are "module-…".
MODULE_PREFIX = "module"


def editable(course_id: int) -> Course:
    """The course being edited: 404 when there is none, 403 when the user may not edit it."""
    course = load_course(course_id)
    if course is None:
        abort(404)
    if not can_edit_course(current_user, course):
        abort(403)
    return course


def direction() -> int:
    """The move a form asks for: up (-1) or down (1)."""
    return -1 if request.form.get("direction") == "up" else 1
