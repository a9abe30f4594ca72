"""The member's catalogue: visible courses, search, tags, and progress at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from courses.models import (
    Course,
    CourseItem,
    CourseModule,
    Enrolment,
    ItemProgress,
    Tag,
    course_tags,
)
from courses.services.audience import visible_courses
from lms.accounts.models import User
from lms.core.extensions import db


@dataclass
class CatalogueEntry:
    course: Course
    enrolled: bool
    items: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.items) if self.items else 0


def catalogue(user: User, *, text: str = "", tag: str = "") -> list[CatalogueEntry]:
    """Published courses the member may take, matching ``text`` and ``tag``. Four queries."""
    query = visible_courses(user.unit.path).options(
        selectinload(Course.tags), selectinload(Course.cover)
    )
    if text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(
            or_(func.lower(Course.title).like(like), func.lower(Course.summary_md).like(like))
        )
    if tag:
        query = query.where(Course.tags.any(Tag.name == tag))
    courses = db.session.scalars(query.order_by(Course.is_required.desc(), Course.title)).all()
    ids = [course.id for course in courses]
    if not ids:
        return []
    enrolled = set(
        db.session.scalars(
            select(Enrolment.course_id).where(
                Enrolment.user_id == user.id, Enrolment.course_id.in_(ids)
            )
        )
    )
    totals: dict[int, int] = dict(
        db.session.execute(
            select(CourseModule.course_id, func.count(CourseItem.id))
            .join(CourseItem, CourseItem.module_id == CourseModule.id)
            .where(
                CourseModule.course_id.in_(ids),
                CourseModule.is_published.is_(True),
                CourseItem.is_published.is_(True),
            )
            .group_by(CourseModule.course_id)
        ).all()
    )
    done: dict[int, int] = dict(
        db.session.execute(
            select(CourseModule.course_id, func.count(ItemProgress.id))
            .join(CourseItem, CourseItem.module_id == CourseModule.id)
            .join(ItemProgress, ItemProgress.item_id == CourseItem.id)
            .where(
                CourseModule.course_id.in_(ids),
                CourseModule.is_published.is_(True),
                CourseItem.is_published.is_(True),
                ItemProgress.user_id == user.id,
                ItemProgress.completed_at.is_not(None),
            )
            .group_by(CourseModule.course_id)
        ).all()
    )
    return [
        CatalogueEntry(c, c.id in enrolled, totals.get(c.id, 0), done.get(c.id, 0)) for c in courses
    ]


def all_tags(user: User) -> list[str]:
    """Tags of the courses the member may see, for the filter."""
    visible = visible_courses(user.unit.path).with_only_columns(Course.id)
    return list(
        db.session.scalars(
            select(Tag.name)
            .join(course_tags, Tag.id == course_tags.c.tag_id)
            .where(course_tags.c.course_id.in_(visible))
            .distinct()
            .order_by(Tag.name)
        )
    )
