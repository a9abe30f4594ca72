"""The personal calendar feed, its secret address and reset, and "add to calendar" files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from flask.testing import FlaskClient

from courses.models import Enrolment
from courses.services import activities, authoring
from lms.accounts.calendar_feed import feed_token, reset_feed, user_for_feed_token
from tests.courses_factories import add_talk, make_course
from tests.factories import OrgUnitFactory, UserFactory
from tests.quiz_factories import make_bank, make_quiz
from tests.web.competitions.test_member_pages import make_competition


def _events(client: FlaskClient, url: str) -> dict[str, icalendar.Event]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


def _feed_path(user) -> str:
    return f"/calendar/feed/{feed_token(user)}.ics"


def test_the_feed_holds_what_the_member_may_take_and_nothing_else(client, db, clock):
    now = clock.now
    unit, other_unit = OrgUnitFactory(name="Branch"), OrgUnitFactory(name="Elsewhere")
    member = UserFactory(unit=unit)
    course = make_course(title="Party history", required=True)
    authoring.update_course(course, title=course.title, summary_md="", tags=[], units=[],
                            is_required=True, due_at=now + timedelta(days=10))  # fmt: skip
    talk = add_talk(course.modules[0], now + timedelta(days=2))
    not_taken = make_course(title="Optional")
    add_talk(not_taken.modules[0], now + timedelta(days=3))
    bank = make_bank(types=("true_false",))
    short = make_quiz(bank, title="Weekly quiz", opens_at=now + timedelta(hours=2),
                      closes_at=now + timedelta(hours=5))  # fmt: skip
    long = make_quiz(bank, title="Month quiz", opens_at=now + timedelta(days=1),
                     closes_at=now + timedelta(days=30))  # fmt: skip
    make_quiz(bank, title="Any time quiz")
    make_quiz(bank, title="Other unit quiz", units=[other_unit], opens_at=now + timedelta(hours=1))
    make_quiz(bank, title="Old quiz", closes_at=now - timedelta(days=90))
    contest = make_competition(now, title="Knowledge contest")
    make_competition(now, title="Their contest", units=[other_unit])
    db.session.commit()

    events = _events(client, _feed_path(member))

    assert set(events) == {
        f"activity-{talk.id}",
        f"quiz-{short.id}",
        f"quiz-{long.id}-opens",
        f"quiz-{long.id}-closes",
        f"competition-{contest.id}",
        f"course-{course.id}-due",
    }
    assert events[f"activity-{talk.id}"]["LOCATION"] == "Hall"
    assert events[f"activity-{talk.id}"]["DTSTART"].dt == now + timedelta(days=2)
    assert events[f"quiz-{short.id}"]["DTEND"].dt == now + timedelta(hours=5)
    assert events[f"competition-{contest.id}"]["URL"].endswith(f"/competitions/{contest.id}")
    # A competition's rounds are the competition's event, not quizzes of their own.
    assert not any(str(e["SUMMARY"]).startswith("Knowledge contest round") for e in events.values())


def test_feed_titles_are_in_the_members_language(client, db, clock):
    member = UserFactory(language="zh_Hans")
    make_quiz(title="月考", opens_at=clock.now + timedelta(days=1),
              closes_at=clock.now + timedelta(days=20))  # fmt: skip
    db.session.commit()
    events = _events(client, _feed_path(member))
    assert {str(e["SUMMARY"]) for e in events.values()} == {"“月考”开放", "“月考”截止"}


def test_a_completed_required_course_is_no_longer_due(client, db, clock):
    member = UserFactory()
    course = make_course(required=True)
    authoring.update_course(course, title="Due", summary_md="", tags=[], units=[],
                            is_required=True, due_at=clock.now + timedelta(days=3))  # fmt: skip
    enrolment = db.session.query(Enrolment).filter_by(user_id=member.id).one()
    db.session.commit()
    assert f"course-{course.id}-due" in _events(client, _feed_path(member))
    enrolment.completed_at = clock.now
    db.session.commit()
    assert f"course-{course.id}-due" not in _events(client, _feed_path(member))


def test_unknown_reset_and_deactivated_addresses_answer_404(client, db):
    member = UserFactory()
    db.session.commit()
    old = _feed_path(member)
    assert client.get(old).status_code == 200
    for wrong in ("nothing", f"{member.id}-", f"{member.id}-x", "9999999-abc", "１-abc", "-"):
        assert client.get(f"/calendar/feed/{wrong}.ics").status_code == 404, wrong
    reset_feed(member)
    db.session.commit()
    assert client.get(old).status_code == 404
    assert client.get(_feed_path(member)).status_code == 200
    member.is_active = False
    db.session.commit()
    assert client.get(_feed_path(member)).status_code == 404


def test_the_address_holds_no_stored_secret(db, app):
    member = UserFactory()
    with app.test_request_context():
        token = feed_token(member)
        assert user_for_feed_token(token) == member
        app.config["SECRET_KEY"], key = "another-key", app.config["SECRET_KEY"]
        try:
            assert user_for_feed_token(token) is None
        finally:
            app.config["SECRET_KEY"] = key


def test_the_page_shows_the_address_and_resets_it(client, db, login_as, csrf_enabled):
    member = login_as(UserFactory())
    db.session.commit()
    page = client.get("/calendar").get_data(as_text=True)
    old = f"http://localhost/calendar/feed/{feed_token(member)}.ics"
    assert old in page
    assert "webcal://localhost/calendar/feed/" in page
    assert client.post("/calendar/reset").status_code == 400  # no CSRF token
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/calendar/reset", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get(old).status_code == 404
    assert feed_token(member) in client.get("/calendar").get_data(as_text=True)


def test_api_me_gives_the_feed_address(client, db, login_as):
    member = login_as(UserFactory())
    db.session.commit()
    url = client.get("/api/v1/me").get_json()["calendar_url"]
    assert url == f"http://localhost/calendar/feed/{feed_token(member)}.ics"
    assert client.get(url.removeprefix("http://localhost")).status_code == 200


def test_add_to_calendar_files_follow_the_pages_visibility(client, db, login_as, clock):
    other_unit = OrgUnitFactory(name="Elsewhere")
    login_as(UserFactory())
    course = make_course()
    talk = add_talk(course.modules[0], clock.now + timedelta(days=1))
    quiz = make_quiz(opens_at=clock.now + timedelta(hours=1),
                     closes_at=clock.now + timedelta(hours=3))  # fmt: skip
    timeless = make_quiz(title="Any time")
    hidden = make_quiz(units=[other_unit], opens_at=clock.now + timedelta(hours=1))
    contest = make_competition(clock.now)
    theirs = make_competition(clock.now, title="Theirs", units=[other_unit])
    draft = make_competition(clock.now, title="Draft", published=False)
    db.session.commit()

    talk_file = client.get(f"/activities/{talk.id}/calendar.ics")
    disposition = talk_file.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="activity-{talk.id}.ics"'
    assert list(_events(client, f"/activities/{talk.id}/calendar.ics")) == [f"activity-{talk.id}"]
    assert list(_events(client, f"/quizzes/{quiz.id}/calendar.ics")) == [f"quiz-{quiz.id}"]
    assert list(_events(client, f"/competitions/{contest.id}/calendar.ics")) == [
        f"competition-{contest.id}"
    ]
    for url in (
        f"/quizzes/{timeless.id}/calendar.ics",
        f"/quizzes/{hidden.id}/calendar.ics",
        f"/competitions/{theirs.id}/calendar.ics",
        f"/competitions/{draft.id}/calendar.ics",
        "/activities/999999/calendar.ics",
    ):
        assert client.get(url).status_code == 404, url
    assert "calendar.ics" in client.get(f"/activities/{talk.id}").get_data(as_text=True)
    assert f"/quizzes/{quiz.id}/calendar.ics" in client.get(f"/quizzes/{quiz.id}").get_data(
        as_text=True
    )
    assert "calendar.ics" in client.get(f"/competitions/{contest.id}").get_data(as_text=True)


def test_an_alarm_comes_before_an_activity(client, db, clock):
    member = UserFactory()
    course = make_course()
    talk = add_talk(course.modules[0], datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    activities.register(member, talk.id)
    db.session.commit()
    event = _events(client, _feed_path(member))[f"activity-{talk.id}"]
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == -timedelta(hours=1)
