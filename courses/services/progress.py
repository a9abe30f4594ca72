"""Opening and completing items, and the progress a member sees per module and course.

Reading a whole course's progress takes a constant number of queries: the course with its
modules and items in one eager load, the member's progress rows in one more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from courses.item_kinds import kind_of
from courses.models import Course, CourseItem, CourseModule, Enrolment, ItemProgress
from courses.permissions import can_take_course
from courses.services.enrolment import enrolment_of
from courses.services.study_hours import credit_course, credit_item
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, NotFoundError
from lms.core.extensions import db
from lms.points.services import award


class LockedError(ConflictError):
    """The item's module opens only after the module before it is complete."""

    code = "locked"

    def __init__(self, message: str, *, course_id: int):
        super().__init__(message)
        self.course_id = course_id


@dataclass
class ModuleProgress:
    module: CourseModule
    done: set[int] = field(default_factory=set)
    locked_by: CourseModule | None = None  # the unfinished module before it, when required
    items: list[CourseItem] = field(default_factory=list)  # what members see: no drafts

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def percent(self) -> int:
        return round(100 * len(self.done) / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return len(self.done) == self.total


@dataclass
class CourseProgress:
    course: Course
    modules: list[ModuleProgress]
    enrolment: Enrolment | None

    @property
    def total(self) -> int:
        return sum(m.total for m in self.modules)

    @property
    def done(self) -> int:
        return sum(len(m.done) for m in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def module_of(self, item: CourseItem) -> ModuleProgress:
        return next(m for m in self.modules if m.module.id == item.module_id)

    def neighbours(self, item: CourseItem) -> tuple[CourseItem | None, CourseItem | None]:
        """The items before and after ``item`` in the course's order, across modules; an item
        of a module that is still locked is not offered."""
        order = [i for m in self.modules if m.locked_by is None for i in m.items]
        ids = [i.id for i in order]
        if item.id not in ids:
            return None, None
        at = ids.index(item.id)
        return (order[at - 1] if at > 0 else None, order[at + 1] if at + 1 < len(order) else None)

    def next_item(self) -> CourseItem | None:
        for module in self.modules:
            if module.locked_by is not None:
                return None
            for item in module.items:
                if item.id not in module.done:
                    return item
        return None


def load_course(course_id: int) -> Course | None:
    return db.session.scalar(
        select(Course)
        .where(Course.id == course_id)
        .options(
            selectinload(Course.modules)
            .selectinload(CourseModule.items)
            .options(selectinload(CourseItem.video), selectinload(CourseItem.attachments)),
            selectinload(Course.units),
            selectinload(Course.editors),
            selectinload(Course.tags),
        )
    )


def course_for(user: User, course_id: int) -> Course:
    """The course if ``user`` may take it; otherwise 404, so ids cannot be probed."""
    course = load_course(course_id)
    if course is None or not can_take_course(user, course):
        raise NotFoundError(_("This course does not exist."))
    return course


def visible_outline(course: Course) -> list[tuple[CourseModule, list[CourseItem]]]:
    """The published modules of a course with their published items, in order."""
    return [
        (module, [item for item in module.items if item.is_published])
        for module in course.modules
        if module.is_published
    ]


def build_modules(course: Course, done_ids: set[int]) -> list[ModuleProgress]:
    """Progress per visible module, with locks: a required previous module must be complete."""
    modules: list[ModuleProgress] = []
    for module, items in visible_outline(course):
        progress = ModuleProgress(module, {i.id for i in items if i.id in done_ids}, items=items)
        if module.requires_previous and modules:
            previous = modules[-1]
            if not previous.complete:
                progress.locked_by = previous.module
            elif previous.locked_by is not None:
                progress.locked_by = previous.locked_by
        modules.append(progress)
    return modules


def ensure_visible(item: CourseItem) -> None:
    """Draft items and items of draft modules are not there for members: 404."""
    if not (item.is_published and item.module.is_published):
        raise NotFoundError(_("This lesson does not exist."))


def progress_of(user: User, course: Course) -> CourseProgress:
    item_ids = [item.id for module in course.modules for item in module.items]
    done_ids = set(
        db.session.scalars(
            select(ItemProgress.item_id).where(
                ItemProgress.user_id == user.id,
                ItemProgress.item_id.in_(item_ids),
                ItemProgress.completed_at.is_not(None),
            )
        )
    ) if item_ids else set()  # fmt: skip
    modules = build_modules(course, done_ids)
    return CourseProgress(course, modules, enrolment_of(user, course))


@dataclass
class OpenedItem:
    item: CourseItem
    progress: CourseProgress
    record: ItemProgress

    @property
    def completed(self) -> bool:
        return self.record.completed_at is not None

    @property
    def can_complete_at(self) -> datetime | None:
        if self.record.opened_at is None:
            return None
        return self.record.opened_at + timedelta(seconds=min_read_seconds(self.item))

    @property
    def by_watching(self) -> bool:
        return completes_by_watching(self.item)

    @property
    def watched_percent(self) -> int:
        length = self.item.video_seconds or 0
        return min(100, round(100 * self.record.video_watched_seconds / length)) if length else 0

    def seconds_left(self) -> int:
        """Seconds until the lesson may be marked done, by the server's clock."""
        ready = self.can_complete_at
        if ready is None or self.completed:
            return 0
        return max(0, math.ceil((ready - utcnow()).total_seconds()))


def min_read_seconds(item: CourseItem) -> int:
    if item.min_read_seconds is not None:
        return item.min_read_seconds
    return int(current_app.config["LESSON_MIN_READ_SECONDS"])


def _record(user: User, item: CourseItem) -> ItemProgress:
    record = db.session.scalar(
        select(ItemProgress).where(ItemProgress.item_id == item.id, ItemProgress.user_id == user.id)
    )
    if record is None:
        record = ItemProgress(item_id=item.id, user_id=user.id)
        db.session.add(record)
    return record


def open_item(user: User, item_id: int) -> OpenedItem:
    """Show an item to a member: checks access and locks, enrols, starts the reading clock."""
    item = db.session.get(CourseItem, item_id)
    if item is None:
        raise NotFoundError(_("This lesson does not exist."))
    course = course_for(user, item.module.course_id)
    ensure_visible(item)
    progress = progress_of(user, course)
    locked_by = progress.module_of(item).locked_by
    if locked_by is not None:
        raise LockedError(
            _("Finish the module “%(title)s” first.", title=locked_by.title), course_id=course.id
        )
    enrolment = progress.enrolment
    if enrolment is None:
        enrolment = Enrolment(course_id=course.id, user_id=user.id)
        db.session.add(enrolment)
        progress.enrolment = enrolment
    enrolment.last_item_id = item.id
    enrolment.last_seen_at = utcnow()
    record = _record(user, item)
    if record.opened_at is None:
        record.opened_at = utcnow()
    db.session.flush()
    return OpenedItem(item, progress, record)


def complete_lesson(user: User, item_id: int) -> OpenedItem:
    """Mark a lesson done, once the minimum reading time since it was opened has passed."""
    opened = open_item(user, item_id)
    item = opened.item
    if not kind_of(item.kind).completed_by_reading:
        raise ConflictError(_("This item is completed elsewhere, not by reading."))
    if completes_by_watching(item) and not opened.completed:
        raise ConflictError(_("Watch the video to complete this lesson."), code="watch_video")
    if opened.completed:
        return opened
    ready_at = opened.can_complete_at
    now = utcnow()
    if ready_at is None or now < ready_at:
        wait = max(1, opened.seconds_left()) if ready_at else min_read_seconds(item)
        raise ConflictError(
            _("Take your time: you can mark this lesson done in %(n)d seconds.", n=wait),
            code="too_early",
        )
    return _complete(user, opened)


# A video counts as watched at 90 %. The player reports the seconds of it played so far; each
# report may add only what the time since the previous one allows at double speed (a silence
# longer than a heartbeat counts as one heartbeat), and the total what the time since opening
# allows: the page must really stay open, playing, for the video's length.
VIDEO_SHARE = 0.9
MAX_PLAYBACK_RATE = 2
MAX_REPORT_GAP = 30
VIDEO_SLACK_SECONDS = 1


def completes_by_watching(item: CourseItem) -> bool:
    """A lesson with an uploaded video completes by watching, unless its author allows reading."""
    return (
        item.video_upload_id is not None
        and bool(item.video_seconds)
        and not (item.video_allows_reading)
    )


def watched_claim(value: object) -> float | None:
    """The seconds a player says were played, as a number; None when it sent something else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(max(0, min(value, 10**7)))


def report_video(user: User, item_id: int, watched_seconds: float) -> OpenedItem:
    """Count what the player reports as watched; at 90 % of the video the lesson is complete."""
    opened = open_item(user, item_id)
    item, record = opened.item, opened.record
    if item.video_upload_id is None or not item.video_seconds:
        raise ConflictError(_("This lesson has no video."), code="no_video")
    now = utcnow()
    opened_at = record.opened_at or now
    since_report = (now - (record.video_reported_at or opened_at)).total_seconds()
    since_open = (now - opened_at).total_seconds()
    claimed = max(0.0, min(watched_seconds, float(item.video_seconds)))
    gained = min(
        claimed - record.video_watched_seconds,
        min(since_report, MAX_REPORT_GAP) * MAX_PLAYBACK_RATE,
        since_open * MAX_PLAYBACK_RATE + VIDEO_SLACK_SECONDS - record.video_watched_seconds,
    )
    if gained > 0:
        record.video_watched_seconds = round(record.video_watched_seconds + gained)
    record.video_reported_at = now
    db.session.flush()
    if not opened.completed and record.video_watched_seconds >= VIDEO_SHARE * item.video_seconds:
        return _complete(user, opened)
    return opened


def _complete(user: User, opened: OpenedItem) -> OpenedItem:
    item = opened.item
    _mark_done(user, opened)
    credit_item(user, item)
    award(
        user,
        "lesson_completed",
        source_type="course_item",
        source_id=item.id,
        reason=item.title,
    )
    db.session.flush()
    return opened


def _mark_done(user: User, opened: OpenedItem) -> None:
    opened.record.completed_at = opened.record.completed_at or utcnow()
    opened.progress.module_of(opened.item).done.add(opened.item.id)
    complete_course_when_done(user, opened.progress)


def complete_course_when_done(user: User, progress: CourseProgress) -> None:
    """Once every visible item is done, the enrolment is complete and the course's own study
    hours are credited. (Every item, not 100 % rounded: 199 of 200 is not complete.)"""
    enrolment = progress.enrolment
    if enrolment is None or enrolment.completed_at is not None:
        return
    if progress.total and progress.done == progress.total:
        enrolment.completed_at = utcnow()
        credit_course(user, progress.course)


def complete_elsewhere(user: User, item_id: int) -> bool:
    """Record an item completed by another package (a quiz passed): enrols the member when
    needed and completes the course when it was the last item. False if already complete."""
    item = db.session.get(CourseItem, item_id)
    if item is None:
        return False
    course = load_course(item.module.course_id)
    if course is None or not item.is_published:
        return False
    progress = progress_of(user, course)
    if not any(m.module.id == item.module_id for m in progress.modules):
        return False
    if progress.enrolment is None:
        progress.enrolment = Enrolment(course_id=course.id, user_id=user.id)
        db.session.add(progress.enrolment)
    record = _record(user, item)
    if record.completed_at is not None:
        return False
    record.opened_at = record.opened_at or utcnow()
    _mark_done(user, OpenedItem(item, progress, record))
    db.session.flush()
    return True
