"""Offline activities: expert talks, visits, film screenings, volunteer service, field practice.

Members register (up to the capacity), then check in with the activity's code during its
check-in window, or an organizer marks their attendance. Attending completes the item and
awards points, like finishing a lesson.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from courses.models import (
    ACTIVITY_KINDS,
    Activity,
    ActivityRegistration,
    CourseItem,
    CourseModule,
    ItemProgress,
)
from courses.services.authoring import add_item, get_item, update_item
from courses.services.enrolment import enrol
from courses.services.progress import (
    complete_course_when_done,
    course_for,
    ensure_visible,
    load_course,
    progress_of,
)
from courses.services.study_hours import credit_item, withdraw_item
from lms.accounts.models import User
from lms.core.clock import to_local, utcnow
from lms.core.dates import check_moment
from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db
from lms.points.services import award

KIND_LABELS = {
    "expert_talk": _l("Expert talk"),
    "site_visit": _l("Site visit"),
    "film_screening": _l("Film screening"),
    "volunteer_service": _l("Volunteer service"),
    "field_practice": _l("Field practice"),
}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _check(
    kind: str, starts_at: datetime, ends_at: datetime, place: str, capacity: int | None
) -> str:
    if kind not in ACTIVITY_KINDS:
        raise ValidationError(_("Unknown kind of activity."), field="activity_kind")
    check_moment(starts_at, field="starts_at")
    check_moment(ends_at, field="ends_at")
    if ends_at <= starts_at:
        raise ValidationError(_("The activity must end after it starts."), field="ends_at")
    if capacity is not None and capacity < 1:
        raise ValidationError(
            _("The capacity is at least 1 (or empty for no limit)."), field="capacity"
        )
    place = " ".join((place or "").split())
    if not place:
        raise ValidationError(_("Say where the activity takes place."), field="place")
    return place[:200]


def add_activity(
    module: CourseModule,
    *,
    title: str,
    description_md: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int | None,
) -> CourseItem:
    place = _check(kind, starts_at, ends_at, place, capacity)
    minutes = max(1, min(600, int((ends_at - starts_at).total_seconds() // 60)))
    item = add_item(module, kind="activity", title=title, body_md=description_md, minutes=minutes)
    db.session.add(
        Activity(
            item=item,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            capacity=capacity,
            checkin_code=new_code(),
        )
    )
    db.session.flush()
    return item


def update_activity(
    item: CourseItem,
    *,
    title: str,
    description_md: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int | None,
) -> CourseItem:
    activity = activity_of(item)
    place = _check(kind, starts_at, ends_at, place, capacity)
    minutes = max(1, min(600, int((ends_at - starts_at).total_seconds() // 60)))
    update_item(item, title=title, body_md=description_md, minutes=minutes, min_read_seconds=None)
    activity.kind, activity.starts_at, activity.ends_at = kind, starts_at, ends_at
    activity.place, activity.capacity = place, capacity
    db.session.flush()
    return item


def renew_code(item: CourseItem) -> str:
    activity = activity_of(item)
    activity.checkin_code = new_code()
    db.session.flush()
    return activity.checkin_code


def activity_of(item: CourseItem) -> Activity:
    if item.kind != "activity" or item.activity is None:
        raise NotFoundError(_("This activity does not exist."))
    return item.activity


def checkin_window(activity: Activity) -> tuple[datetime, datetime]:
    return activity.starts_at - timedelta(minutes=activity.checkin_opens_minutes), activity.ends_at


@dataclass
class ActivityView:
    """What a member sees of an activity."""

    item: CourseItem
    activity: Activity
    registration: ActivityRegistration | None
    registered: int
    locked_by: object | None
    # The items before and after it in the course, for the previous / next links.
    neighbours: tuple[CourseItem | None, CourseItem | None] = (None, None)

    @property
    def full(self) -> bool:
        capacity = self.activity.capacity
        return capacity is not None and self.registered >= capacity

    @property
    def checkin_open(self) -> bool:
        opens, closes = checkin_window(self.activity)
        return opens <= utcnow() <= closes

    @property
    def over(self) -> bool:
        return utcnow() > self.activity.ends_at


def _registration(user: User, item: CourseItem) -> ActivityRegistration | None:
    return db.session.scalar(
        select(ActivityRegistration).where(
            ActivityRegistration.item_id == item.id, ActivityRegistration.user_id == user.id
        )
    )


def _registered_count(item: CourseItem) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ActivityRegistration)
            .where(ActivityRegistration.item_id == item.id)
        )
        or 0
    )


def view_for(user: User, item_id: int) -> ActivityView:
    item = get_item(item_id)
    activity = activity_of(item)
    course = course_for(user, item.module.course_id)
    ensure_visible(item)
    state = progress_of(user, course)
    return ActivityView(
        item,
        activity,
        _registration(user, item),
        _registered_count(item),
        state.module_of(item).locked_by,
        state.neighbours(item),
    )


def register(user: User, item_id: int) -> ActivityRegistration:
    view = view_for(user, item_id)
    if view.registration is not None:
        return view.registration
    if view.over:
        raise ConflictError(_("This activity is over."))
    if view.full:
        raise ConflictError(_("This activity is full."))
    registration = ActivityRegistration(item_id=view.item.id, user_id=user.id)
    db.session.add(registration)
    enrol(user, view.item.module.course)  # taking part in an activity is taking the course
    db.session.flush()
    return registration


def unregister(user: User, item_id: int) -> None:
    view = view_for(user, item_id)
    if view.registration is None:
        return
    if view.registration.attended_at is not None or utcnow() >= view.activity.starts_at:
        raise ConflictError(_("The activity has started: registration can no longer be cancelled."))
    db.session.delete(view.registration)
    db.session.flush()


def _attend(
    user: User, item: CourseItem, registration: ActivityRegistration, marked_by: User | None
) -> None:
    now = utcnow()
    enrol(user, item.module.course)
    registration.attended_at = now
    registration.marked_by_id = marked_by.id if marked_by else None
    record = db.session.scalar(
        select(ItemProgress).where(ItemProgress.item_id == item.id, ItemProgress.user_id == user.id)
    )
    if record is None:
        record = ItemProgress(item_id=item.id, user_id=user.id, opened_at=now)
        db.session.add(record)
    record.completed_at = record.completed_at or now
    credit_item(user, item)
    award(
        user, "activity_attended", source_type="course_item", source_id=item.id, reason=item.title
    )
    db.session.flush()
    course = load_course(item.module.course_id)
    if course is not None:
        complete_course_when_done(user, progress_of(user, course))


def check_in(user: User, item_id: int, code: str) -> ActivityRegistration:
    """Attend with the code shown at the venue, during the check-in window only."""
    view = view_for(user, item_id)
    if not view.checkin_open:
        raise ConflictError(
            _(
                "Check-in is open from %(n)d minutes before the start until the end.",
                n=view.activity.checkin_opens_minutes,
            ),
            code="checkin_closed",
        )
    given = "".join((code or "").split()).upper()
    if not hmac.compare_digest(given.encode(), view.activity.checkin_code.encode()):
        raise ValidationError(_("This check-in code is not right."), field="code")
    registration = view.registration
    if registration is None:
        if view.full:
            raise ConflictError(_("This activity is full."))
        registration = ActivityRegistration(item_id=view.item.id, user_id=user.id)
        db.session.add(registration)
    if registration.attended_at is None:
        _attend(user, view.item, registration, None)
    return registration


def roster(item: CourseItem) -> list[ActivityRegistration]:
    return list(
        db.session.scalars(
            select(ActivityRegistration)
            .where(ActivityRegistration.item_id == item.id)
            .options(selectinload(ActivityRegistration.user).joinedload(User.unit))
            .order_by(ActivityRegistration.registered_at)
        )
    )


def mark_attendance(item: CourseItem, user_id: int, *, attended: bool, by: User) -> None:
    """An organizer marks (or unmarks) a member's attendance from the roster."""
    activity_of(item)
    member = db.session.get(User, user_id)
    if member is None:
        raise NotFoundError(_("This user does not exist."))
    registration = _registration(member, item)
    if registration is None:
        registration = ActivityRegistration(item_id=item.id, user_id=member.id)
        db.session.add(registration)
    if attended and registration.attended_at is None:
        _attend(member, item, registration, by)
    elif not attended:
        registration.attended_at = None
        registration.marked_by_id = by.id
        withdraw_item(member, item)
        db.session.flush()


def roster_rows(item: CourseItem, timezone: str) -> tuple[list[str], list[list[object]]]:
    header = [
        _("Username"),
        pgettext("person", "Name"),
        _("Unit"),
        _("Registered at"),
        _("Attended at"),
    ]
    rows = [
        [
            r.user.username,
            r.user.display_name,
            r.user.unit.path,
            to_local(r.registered_at, timezone),
            to_local(r.attended_at, timezone) if r.attended_at else "",
        ]
        for r in roster(item)
    ]
    return header, rows
