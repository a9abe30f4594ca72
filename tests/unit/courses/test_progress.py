"""Progress rules: reading time, completion, locks, points, suggestions (courses.services)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from courses.services import enrolment, progress, study
from lms.core.errors import ConflictError, NotFoundError
from lms.points.models import PointEntry
from lms.points.services import total
from tests.courses_factories import make_course
from tests.factories import OrgUnitFactory, UserFactory


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def _items(course):
    return [item for module in course.modules for item in module.items]


def test_lesson_completes_only_after_the_reading_time(db, clock, app):
    member = UserFactory()
    course = make_course(modules=((5, 5),))
    first, _second = _items(course)
    progress.open_item(member, first.id)
    with pytest.raises(ConflictError, match="30 seconds"):
        progress.complete_lesson(member, first.id)
    clock.advance(seconds=app.config["LESSON_MIN_READ_SECONDS"])
    done = progress.complete_lesson(member, first.id)
    assert done.completed
    assert done.progress.percent == 50
    assert done.progress.enrolment is not None


def test_a_lesson_may_set_its_own_reading_time(db, clock):
    member = UserFactory()
    course = make_course(modules=((5,),), min_read_seconds=5)
    (item,) = _items(course)
    progress.open_item(member, item.id)
    clock.advance(seconds=4)
    with pytest.raises(ConflictError):
        progress.complete_lesson(member, item.id)
    clock.advance(seconds=1)
    assert progress.complete_lesson(member, item.id).completed


def test_completing_the_course_dates_it_and_awards_points_once(db, clock):
    member = UserFactory()
    course = make_course(modules=((5,), (5,)), min_read_seconds=0)
    for item in _items(course):
        progress.open_item(member, item.id)
        progress.complete_lesson(member, item.id)
        progress.complete_lesson(member, item.id)  # twice: awarded once
    state = progress.progress_of(member, course)
    assert state.percent == 100
    assert state.enrolment.completed_at == clock.now
    assert total(member) == 4
    assert db.session.query(PointEntry).count() == 2


def test_daily_cap_limits_points_but_keeps_the_history(db, clock):
    member = UserFactory()
    course = make_course(modules=((1,) * 12,), min_read_seconds=0)
    for item in _items(course):
        progress.open_item(member, item.id)
        progress.complete_lesson(member, item.id)
    assert total(member) == 20  # 12 lessons x 2 points, capped at 20 a day
    assert db.session.query(PointEntry).filter(PointEntry.points == 0).count() == 2
    clock.advance(days=1)
    extra = make_course(title="More", modules=((1,),), min_read_seconds=0)
    item = _items(extra)[0]
    progress.open_item(member, item.id)
    progress.complete_lesson(member, item.id)
    assert total(member) == 22


def test_locked_module_opens_after_the_previous_one(db, clock):
    member = UserFactory()
    course = make_course(modules=((5,), (5,)), locked_last=True, min_read_seconds=0)
    first, second = _items(course)
    with pytest.raises(progress.LockedError, match="Module 1"):
        progress.open_item(member, second.id)
    progress.open_item(member, first.id)
    progress.complete_lesson(member, first.id)
    assert progress.open_item(member, second.id).item is second


def test_members_outside_the_audience_get_not_found(db):
    north, south = OrgUnitFactory(name="North"), OrgUnitFactory(name="South")
    below = OrgUnitFactory(name="Team", parent=north)
    course = make_course(units=[north])
    item = _items(course)[0]
    assert progress.open_item(UserFactory(unit=below), item.id)
    with pytest.raises(NotFoundError):
        progress.open_item(UserFactory(unit=south), item.id)
    draft = make_course(title="Draft", published=False)
    with pytest.raises(NotFoundError):
        enrolment.enrol(UserFactory(unit=north), draft)


def test_required_courses_enrol_their_audience_now_and_later(db):
    branch = OrgUnitFactory(name="Branch")
    other = OrgUnitFactory(name="Other")
    present = UserFactory(unit=branch)
    outsider = UserFactory(unit=other)
    course = make_course(units=[branch], required=True)
    assert enrolment.enrolment_of(present, course).is_automatic
    assert enrolment.enrolment_of(outsider, course) is None

    from lms.accounts.services import users  # noqa: PLC0415

    newcomer = users.create_user(username="newcomer", password="newcomer-pass", unit=branch)
    assert enrolment.enrolment_of(newcomer, course) is not None
    users.update_user(outsider, display_name="Moved", role="member", unit=branch, language=None)
    assert enrolment.enrolment_of(outsider, course) is not None


def test_spare_minutes_suggest_the_shortest_unfinished_lessons(db, clock):
    member = UserFactory()
    make_course(title="A", modules=((12, 4, 8),))
    make_course(title="B", modules=((3, 20),))
    for course_id in (1, 2):
        enrolment.enrol(member, progress.load_course(course_id))
    courses = study.my_courses(member)
    assert [s.item.minutes for s in study.next_lessons(courses, 5)] == [3, 4]
    assert [s.item.minutes for s in study.next_lessons(courses, 10)] == [3, 4, 8]
    assert len(study.next_lessons(courses, None)) == 5
    first = next(s.item for s in study.next_lessons(courses, 5))
    progress.open_item(member, first.id)
    resume = study.continue_where_left_off(study.my_courses(member))
    assert resume is not None
    assert resume.item.id == first.id
