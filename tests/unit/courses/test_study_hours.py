"""Crediting study hours (学时) from courses: lessons, activities, whole courses."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from courses.models import Enrolment
from courses.services import activities, progress
from courses.services.study_hours import (
    course_centihours,
    credit_completed_work,
    item_centihours,
)
from lms.points.hours import queries, services
from lms.points.hours.models import StudyHourEntry
from tests.courses_factories import add_talk, make_course
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def _items(course):
    return [item for module in course.modules for item in module.items]


def _finish(member, course):
    for item in _items(course):
        if item.kind == "lesson":
            progress.open_item(member, item.id)
            progress.complete_lesson(member, item.id)


def _record(member):
    return [(e.source_type, e.title, e.centihours) for e in queries.record(member, 2026).items]


def test_lessons_credit_their_minutes_once_when_the_course_has_no_hours(db, clock):
    member = UserFactory()
    course = make_course(modules=((30, 45),), min_read_seconds=0)
    first, second = _items(course)
    second.study_centihours = 100  # the author says one hour
    assert item_centihours(first) == 50
    assert course_centihours(course) == 150
    _finish(member, course)
    _finish(member, course)  # again: nothing new
    assert _record(member) == [("lesson", "Lesson 1.1", 50), ("lesson", "Lesson 1.2", 100)]
    entry = db.session.query(StudyHourEntry).first()
    assert entry.earned_on.isoformat() == "2026-11-24"  # the local day


def test_minutes_per_hour_is_a_site_setting(db, clock):
    services.set_minutes_per_hour(45)
    course = make_course(modules=((45, 30),))
    assert [item_centihours(item) for item in _items(course)] == [100, 67]


def test_a_course_with_its_own_hours_credits_them_only_when_complete(db, clock):
    member = UserFactory()
    course = make_course(title="Safety", modules=((5,), (5,)), min_read_seconds=0)
    course.study_centihours = 300
    first, second = _items(course)
    progress.open_item(member, first.id)
    progress.complete_lesson(member, first.id)
    assert _record(member) == []  # its lessons credit nothing on their own
    progress.open_item(member, second.id)
    progress.complete_lesson(member, second.id)
    assert _record(member) == [("course", "Safety", 300)]
    assert course_centihours(course) == 300


def test_199_of_200_items_is_not_a_complete_course(db, clock):
    member = UserFactory()
    course = make_course(modules=((5,),))
    course.study_centihours = 100
    items = [SimpleNamespace(id=n) for n in range(200)]
    module = progress.ModuleProgress(course.modules[0], {n for n in range(199)}, items=items)
    enrolment = Enrolment(course_id=course.id, user_id=member.id)
    state = progress.CourseProgress(course, [module], enrolment)
    progress.complete_course_when_done(member, state)
    assert state.percent == 100  # rounded
    assert enrolment.completed_at is None
    assert _record(member) == []
    module.done.add(199)
    progress.complete_course_when_done(member, state)
    assert enrolment.completed_at == clock.now
    assert _record(member) == [("course", "Course", 100)]


def test_an_attended_activity_credits_its_hours_and_can_complete_the_course(db, clock):
    member, organizer = UserFactory(), UserFactory(role="organizer")
    course = make_course(title="Visits", modules=((5,),), min_read_seconds=0)
    talk = add_talk(course.modules[0], clock.now + timedelta(minutes=10))
    _finish(member, course)
    assert progress.progress_of(member, course).enrolment.completed_at is None
    activities.register(member, talk.id)
    clock.advance(minutes=10)
    activities.check_in(member, talk.id, talk.activity.checkin_code)
    assert _record(member) == [("lesson", "Lesson 1.1", 8), ("activity", "Talk", 100)]
    assert progress.progress_of(member, course).enrolment.completed_at == clock.now
    activities.mark_attendance(talk, member.id, attended=False, by=organizer)
    assert _record(member) == [("lesson", "Lesson 1.1", 8)]  # unmarked: withdrawn


def test_quizzes_credit_no_hours(db, clock):
    course = make_course(modules=((5,),))
    item = _items(course)[0]
    item.kind = "quiz"
    assert item_centihours(item) == 0


def test_work_completed_before_hours_were_counted_is_credited_once(db, clock, app):
    member, organizer = UserFactory(), UserFactory(role="organizer")
    course = make_course(title="Old", modules=((30,),), min_read_seconds=0)
    whole = make_course(title="Whole", modules=((5,),), min_read_seconds=0)
    whole.study_centihours = 400
    talk = add_talk(course.modules[0], clock.now + timedelta(minutes=10))
    untaken = add_talk(course.modules[0], clock.now + timedelta(minutes=10))
    _finish(member, course)
    _finish(member, whole)
    clock.advance(minutes=10)
    activities.mark_attendance(talk, member.id, attended=True, by=organizer)
    activities.mark_attendance(untaken, member.id, attended=True, by=organizer)
    activities.mark_attendance(untaken, member.id, attended=False, by=organizer)
    db.session.query(StudyHourEntry).delete()  # as before the upgrade
    clock.advance(days=3)

    assert credit_completed_work() == 3
    assert credit_completed_work() == 0
    assert sorted(_record(member)) == [
        ("activity", "Talk", 100),
        ("course", "Whole", 400),
        ("lesson", "Lesson 1.1", 50),
    ]
    assert {e.earned_on.isoformat() for e in queries.record(member, 2026).items} == {"2026-11-24"}
