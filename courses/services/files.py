"""Which course a stored file belongs to, known by the rows that point at it (a course's cover,
a lesson's video, a lesson's attachment), and who may read it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from courses.models import Course, CourseItem, CourseModule, LessonAttachment
from courses.permissions import can_edit_course, can_take_course
from lms.core.extensions import db


def _lessons_with(upload_id: int) -> list[CourseItem]:
    attached = select(LessonAttachment.item_id).where(LessonAttachment.upload_id == upload_id)
    return list(
        db.session.scalars(
            select(CourseItem).where(
                (CourseItem.video_upload_id == upload_id) | CourseItem.id.in_(attached)
            )
        )
    )


def may_read_course_file(user: Any, upload_id: int) -> bool | None:
    """Whether ``user`` may read the file: as a course's cover, anyone who may see the course;
    as a lesson's video or attachment, anyone who may see the lesson (editors always).
    None when no course uses the file (any more)."""
    covers = list(db.session.scalars(select(Course).where(Course.cover_upload_id == upload_id)))
    lessons = _lessons_with(upload_id)
    if not covers and not lessons:
        return None
    if any(can_take_course(user, course) for course in covers):
        return True
    return any(_may_see_lesson(user, lesson) for lesson in lessons)


def _may_see_lesson(user: Any, lesson: CourseItem) -> bool:
    module: CourseModule = lesson.module
    if can_edit_course(user, module.course):
        return True
    return lesson.is_published and module.is_published and can_take_course(user, module.course)
