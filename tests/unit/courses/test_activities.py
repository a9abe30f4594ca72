"""Offline activities: registration, capacity, the check-in window and code, attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from courses.services import activities, progress
from lms.core.errors import ConflictError, ValidationError
from lms.core.spreadsheets import safe_cell, table_bytes
from lms.points.services import total
from tests.courses_factories import make_course
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


@pytest.fixture
def talk(db, clock):
    course = make_course(modules=((5,),))
    starts = clock.now + timedelta(hours=1)
    return activities.add_activity(
        course.modules[0],
        title="Expert talk",
        description_md="**Come**",
        kind="expert_talk",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Hall A",
        capacity=2,
    )


def test_bad_activities_are_refused(db, clock):
    module = make_course().modules[0]
    base = {
        "title": "x",
        "description_md": "",
        "kind": "expert_talk",
        "place": "Hall",
        "starts_at": clock.now,
        "ends_at": clock.now + timedelta(hours=1),
        "capacity": None,
    }
    for change, field in [
        ({"kind": "party"}, "activity_kind"),
        ({"ends_at": clock.now}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"place": " "}, "place"),
    ]:
        with pytest.raises(ValidationError) as raised:
            activities.add_activity(module, **{**base, **change})
        assert raised.value.field == field


def test_capacity_and_cancelling(db, clock, talk):
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    activities.register(first, talk.id)
    activities.register(first, talk.id)  # twice is once
    activities.register(second, talk.id)
    with pytest.raises(ConflictError, match="full"):
        activities.register(third, talk.id)
    activities.unregister(second, talk.id)
    activities.register(third, talk.id)
    clock.advance(hours=1)
    with pytest.raises(ConflictError, match="started"):
        activities.unregister(third, talk.id)


def test_check_in_only_in_the_window_with_the_right_code(db, clock, talk):
    member = UserFactory()
    activities.register(member, talk.id)
    code = talk.activity.checkin_code
    with pytest.raises(ConflictError, match="Check-in is open"):
        activities.check_in(member, talk.id, code)  # 60 minutes early; opens 30 before
    clock.advance(minutes=31)
    with pytest.raises(ValidationError, match="not right"):
        activities.check_in(member, talk.id, "WRONG1")
    registration = activities.check_in(member, talk.id, f" {code.lower()} ")
    assert registration.attended_at == clock.now
    assert progress.progress_of(member, talk.module.course).percent == 50
    assert total(member) == 5
    clock.advance(hours=3)
    with pytest.raises(ConflictError):
        activities.check_in(UserFactory(), talk.id, code)


def test_organizer_marks_attendance_and_exports(db, clock, talk):
    organizer = UserFactory(role="organizer")
    member = UserFactory(display_name='=HYPERLINK("x")')
    activities.mark_attendance(talk, member.id, attended=True, by=organizer)
    (row,) = activities.roster(talk)
    assert row.attended_at is not None
    assert row.marked_by_id == organizer.id
    header, rows = activities.roster_rows(talk, "Asia/Shanghai")
    data = table_bytes("csv", header, rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in data
    assert table_bytes("xlsx", header, rows)[:2] == b"PK"
    activities.mark_attendance(talk, member.id, attended=False, by=organizer)
    assert activities.roster(talk)[0].attended_at is None


def test_safe_cell():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+86 123") == "'+86 123"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("plain") == "plain"
    assert safe_cell(3) == 3
