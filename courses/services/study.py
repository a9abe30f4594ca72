"""What a member studies next: their enrolled courses, where they left off, lessons that fit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from courses.models import Course, CourseItem, CourseModule, Enrolment, ItemProgress
from courses.services.progress import CourseProgress, build_modules
from lms.accounts.models import User
from lms.core.extensions import db

TIME_BUDGETS = (5, 10, 20)


@dataclass
class Suggestion:
    item: CourseItem
    course: Course


def my_courses(user: User) -> list[CourseProgress]:
    """The member's enrolled, published courses with progress, most recently studied first."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.user_id == user.id, Course.is_published.is_(True))
        .options(
            selectinload(Enrolment.course)
            .selectinload(Course.modules)
            .selectinload(CourseModule.items)
        )
    ).all()
    item_ids = [item.id for e in enrolments for module in e.course.modules for item in module.items]
    done = set(
        db.session.scalars(
            select(ItemProgress.item_id).where(
                ItemProgress.user_id == user.id,
                ItemProgress.item_id.in_(item_ids),
                ItemProgress.completed_at.is_not(None),
            )
        )
    ) if item_ids else set()  # fmt: skip
    courses = [CourseProgress(e.course, build_modules(e.course, done), e) for e in enrolments]
    epoch = enrolments[0].enrolled_at.min if enrolments else None
    courses.sort(
        key=lambda p: p.enrolment.last_seen_at or p.enrolment.enrolled_at or epoch, reverse=True
    )
    return courses


def continue_where_left_off(courses: list[CourseProgress]) -> Suggestion | None:
    for progress in courses:
        if progress.enrolment and progress.enrolment.last_seen_at and progress.percent < 100:
            item = progress.next_item()
            if item is not None:
                return Suggestion(item, progress.course)
    return None


def next_lessons(courses: list[CourseProgress], minutes: int | None, limit: int = 5) -> list:
    """Unfinished, unlocked lessons of enrolled courses; with a time budget, shortest first."""
    found: list[Suggestion] = []
    for progress in courses:
        for module in progress.modules:
            if module.locked_by is not None:
                break
            found.extend(
                Suggestion(item, progress.course)
                for item in module.items
                if item.id not in module.done and item.kind == "lesson"
            )
    if minutes is not None:
        found = sorted(
            (s for s in found if s.item.minutes <= minutes), key=lambda s: s.item.minutes
        )
    return found[:limit]
