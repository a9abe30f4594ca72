"""Writing courses: create, edit, reorder, publish. Callers check ``can_edit_course`` first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from courses.item_kinds import KINDS
from courses.models import Course, CourseItem, CourseModule, LessonAttachment, Tag
from courses.services.enrolment import enrol_audience
from lms.accounts.models import OrgUnit, Role, User
from lms.core.dates import check_moment
from lms.core.errors import NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.text import check_plain_text
from lms.core.uploads import Upload

MAX_TITLE = 200
MAX_MINUTES = 600
MAX_TAGS = 10
MAX_ATTACHMENTS = 10


def _title(value: str, field: str = "title") -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError(_("A title is required."), field=field)
    if len(value) > MAX_TITLE:
        raise ValidationError(_("A title has at most %(n)d characters.", n=MAX_TITLE), field=field)
    return check_plain_text(value, field=field)


def parse_tags(text: str | Sequence[str]) -> list[str]:
    """Tags from "a, b；c" (commas, Chinese commas or semicolons) or a list, without repeats."""
    raw = text if not isinstance(text, str) else text.replace("，", ",").replace("；", ",")
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for part in parts:
        name = " ".join(str(part).split())[:40]
        if name and name.casefold() not in {t.casefold() for t in tags}:
            tags.append(name)
    if len(tags) > MAX_TAGS:
        raise ValidationError(_("At most %(n)d tags.", n=MAX_TAGS), field="tags")
    return tags


def _tags(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [existing.get(name) or Tag(name=name) for name in names]


def _due(is_required: bool, due_at: datetime | None) -> datetime | None:
    """Only a required course has a due date: any other loses it."""
    return check_moment(due_at, field="due_at") if is_required else None


def _editors(users: Sequence[User]) -> list[User]:
    for user in users:
        if user.role != Role.ORGANIZER.value:
            raise ValidationError(
                _("Only organizers can be made editors (%(name)s is not one).", name=user.username),
                field="editors",
            )
    return list(users)


def create_course(
    *,
    title: str,
    summary_md: str = "",
    tags: Sequence[str] = (),
    units: Sequence[OrgUnit] = (),
    is_required: bool = False,
    due_at: datetime | None = None,
    editors: Sequence[User] = (),
    created_by: User | None = None,
) -> Course:
    course = Course(
        title=_title(title),
        summary_md=summary_md or "",
        is_required=is_required,
        due_at=_due(is_required, due_at),
        created_by_id=created_by.id if created_by else None,
    )
    course.tags = _tags(parse_tags(list(tags)))
    course.units = list(units)
    course.editors = _editors(editors)
    db.session.add(course)
    db.session.flush()
    return course


def update_course(
    course: Course,
    *,
    title: str,
    summary_md: str,
    tags: Sequence[str],
    units: Sequence[OrgUnit],
    is_required: bool,
    due_at: datetime | None,
    editors: Sequence[User] | None = None,
    acting: User | None = None,
) -> Course:
    """Change a course. Only administrators choose its editors: from anyone else ``editors``
    is ignored. A course that is not required has no due date."""
    course.title = _title(title)
    course.summary_md = summary_md or ""
    course.tags = _tags(parse_tags(list(tags)))
    course.units = list(units)
    course.is_required = is_required
    course.due_at = _due(is_required, due_at)
    if editors is not None and (acting is None or acting.role == Role.ADMIN.value):
        course.editors = _editors(editors)
    db.session.flush()
    if course.is_published and course.is_required:
        enrol_audience(course)
    return course


def set_published(course: Course, published: bool) -> Course:
    """Publishing a required course enrols its whole audience at once."""
    course.is_published = published
    db.session.flush()
    if published and course.is_required:
        enrol_audience(course)
    return course


def add_module(course: Course, *, title: str, requires_previous: bool = False) -> CourseModule:
    module = CourseModule(
        course=course,
        title=_title(title),
        position=len(course.modules),
        requires_previous=requires_previous,
    )
    db.session.add(module)
    db.session.flush()
    return module


def update_module(module: CourseModule, *, title: str, requires_previous: bool) -> CourseModule:
    module.title = _title(title)
    module.requires_previous = requires_previous
    db.session.flush()
    return module


def _check_lesson(minutes: int, min_read_seconds: int | None) -> None:
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(
            _("Minutes must be between 1 and %(n)d.", n=MAX_MINUTES), field="minutes"
        )
    if min_read_seconds is not None and not 0 <= min_read_seconds <= 3600:
        raise ValidationError(
            _("The minimum reading time is between 0 and 3600 seconds."), field="min_read_seconds"
        )


def add_item(
    module: CourseModule,
    *,
    kind: str,
    title: str,
    body_md: str = "",
    minutes: int = 5,
    min_read_seconds: int | None = None,
) -> CourseItem:
    if kind not in KINDS:
        raise ValidationError(_("Unknown item kind “%(kind)s”.", kind=kind), field="kind")
    _check_lesson(minutes, min_read_seconds)
    item = CourseItem(
        module=module,
        kind=kind,
        title=_title(title),
        body_md=body_md or "",
        minutes=minutes,
        min_read_seconds=min_read_seconds,
        position=len(module.items),
    )
    db.session.add(item)
    db.session.flush()
    return item


def update_item(
    item: CourseItem, *, title: str, body_md: str, minutes: int, min_read_seconds: int | None
) -> CourseItem:
    _check_lesson(minutes, min_read_seconds)
    item.title = _title(title)
    item.body_md = body_md or ""
    item.minutes = minutes
    item.min_read_seconds = min_read_seconds
    db.session.flush()
    return item


def _swap(siblings: list, index: int, offset: int) -> None:
    other = index + offset
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    db.session.flush()


def move_module(module: CourseModule, offset: int) -> None:
    """Move a module up (-1) or down (+1) among its course's modules."""
    siblings = list(module.course.modules)
    _swap(siblings, siblings.index(module), offset)


def move_item(item: CourseItem, offset: int) -> None:
    siblings = list(item.module.items)
    _swap(siblings, siblings.index(item), offset)


def delete_module(module: CourseModule) -> None:
    course = module.course
    course.modules.remove(module)
    for position, sibling in enumerate(course.modules):
        sibling.position = position
    db.session.flush()


def delete_item(item: CourseItem) -> None:
    module = item.module
    module.items.remove(item)
    for position, sibling in enumerate(module.items):
        sibling.position = position
    db.session.flush()


def get_course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        raise NotFoundError(_("This course does not exist."))
    return course


def get_module(module_id: int) -> CourseModule:
    module = db.session.get(CourseModule, module_id)
    if module is None:
        raise NotFoundError(_("This module does not exist."))
    return module


def get_item(item_id: int) -> CourseItem:
    item = db.session.get(CourseItem, item_id)
    if item is None:
        raise NotFoundError(_("This item does not exist."))
    return item


def add_attachment(item: CourseItem, upload: Upload) -> LessonAttachment:
    if len(item.attachments) >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("A lesson has at most %(n)d attachments.", n=MAX_ATTACHMENTS), field="attachments"
        )
    attachment = LessonAttachment(upload=upload)
    item.attachments.append(attachment)
    db.session.flush()
    return attachment


def remove_attachment(item: CourseItem, attachment_id: int) -> None:
    for attachment in list(item.attachments):
        if attachment.id == attachment_id:
            item.attachments.remove(attachment)
    db.session.flush()


def set_cover(course: Course, upload: Upload | None) -> Course:
    course.cover = upload
    db.session.flush()
    return course


def set_module_published(module: CourseModule, published: bool) -> CourseModule:
    """A draft module is hidden from members, with its items, while its course is published."""
    module.is_published = published
    db.session.flush()
    return module


def set_item_published(item: CourseItem, published: bool) -> CourseItem:
    item.is_published = published
    db.session.flush()
    return item
