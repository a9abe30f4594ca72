"""``lms send-reminders``: what is due reaches the right members, once per thing and member."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from courses.models import Enrolment
from courses.services import activities, authoring
from courses.services.enrolment import enrol
from lms.notifications.models import Notification
from lms.reminders.cli import run_reminders
from lms.reminders.finder import closing_soon
from quizzes.services import answers, attempts
from tests.courses_factories import add_talk, make_course
from tests.factories import OrgUnitFactory, UserFactory
from tests.quiz_factories import make_bank, make_quiz
from tests.web.competitions.test_member_pages import make_competition


def _told(db, kind: str | None = None, key_start: str = "") -> set[int]:
    """Who got a notification of ``kind`` (None: any) whose key starts so."""
    query = select(Notification.user_id).where(Notification.key.startswith(key_start))
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return set(db.session.scalars(query))


def _run(db) -> dict[str, int]:
    created = dict(run_reminders())
    db.session.expire_all()
    return created


def test_a_required_course_is_announced_then_reminded_before_its_due_date(db, clock):
    member, finished = UserFactory(), UserFactory()
    course = make_course(title="Rules", required=True)
    assert _run(db) == {"course_assigned": 2}
    assert _run(db) == {}  # a second run adds nothing
    authoring.update_course(course, title="Rules", summary_md="", tags=[], units=[],
                            is_required=True, due_at=clock.now + timedelta(days=5))  # fmt: skip
    db.session.commit()
    assert _run(db) == {}  # not yet: due in five days
    clock.advance(days=3)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == finished.id))
    enrolment.completed_at = clock.now
    db.session.commit()
    assert _run(db) == {"course_due": 1}
    (note,) = db.session.scalars(select(Notification).where(Notification.kind == "course_due"))
    assert note.user_id == member.id
    assert note.url == f"/courses/{course.id}"
    assert "Rules" in note.title


def test_an_activity_tomorrow_reaches_those_registered_and_while_places_last_the_course(db, clock):
    registered, taking, outsider = UserFactory(), UserFactory(), UserFactory()
    course = make_course()
    talk = add_talk(course.modules[0], clock.now + timedelta(hours=30), capacity=1)
    activities.register(registered, talk.id)
    enrol(taking, course)
    db.session.commit()
    assert _run(db) == {}
    clock.advance(hours=8)
    assert _run(db) == {"activity_tomorrow": 1}  # full: only the one registered
    assert _told(db, "activity_tomorrow") == {registered.id}
    open_talk = add_talk(course.modules[0], clock.now + timedelta(hours=5))
    db.session.commit()
    _run(db)
    assert _told(db, key_start=f"activity:{open_talk.id}:") == {registered.id, taking.id}
    assert outsider.id not in _told(db)


def test_quizzes_opening_and_closing_reach_their_audience_once(db, clock):
    unit, elsewhere = OrgUnitFactory(name="Branch"), OrgUnitFactory(name="Elsewhere")
    member, handed_in = UserFactory(unit=unit), UserFactory(unit=unit)
    other = UserFactory(unit=elsewhere)
    UserFactory(unit=unit, role="organizer")
    bank = make_bank(types=("true_false",))
    quiz = make_quiz(bank, title="Weekly", units=[unit], opens_at=clock.now + timedelta(hours=2),
                     closes_at=clock.now + timedelta(days=3))  # fmt: skip
    db.session.commit()
    assert _run(db) == {"quiz_opening": 2}
    assert _told(db, "quiz_opening") == {member.id, handed_in.id}
    quiz.opens_at = clock.now + timedelta(hours=4)  # moved: announced again
    db.session.commit()
    assert _run(db) == {"quiz_opening": 2}
    clock.advance(days=2, hours=1)
    attempt = attempts.start(handed_in, quiz)
    answers.save_answer(attempt, 1, True, 1)
    attempts.submit(attempt)
    db.session.commit()
    assert _run(db) == {"quiz_closing": 1}
    assert _told(db, "quiz_closing") == {member.id}
    assert other.id not in _told(db)


def test_competitions_opening_and_closing(db, clock):
    member, other_unit_member = UserFactory(), UserFactory(unit=OrgUnitFactory(name="Far"))
    contest = make_competition(clock.now, title="Contest", starts_in=timedelta(hours=10),
                               length=timedelta(hours=2), units=[member.unit])  # fmt: skip
    db.session.commit()
    assert _run(db) == {"competition_opening": 1}
    clock.advance(hours=10, minutes=30)
    assert _run(db) == {}  # the first half of the window: not closing yet
    clock.advance(minutes=45)
    assert _run(db) == {"competition_closing": 1}
    assert not _told(db, key_start="quiz-")  # its rounds are told as the competition
    assert _told(db, key_start=f"competition-closing:{contest.id}:") == {member.id}
    assert other_unit_member.id not in _told(db)


def test_titles_are_in_each_readers_language(db, clock):
    UserFactory(language="zh_Hans")
    UserFactory(language="en")
    make_quiz(title="月考", opens_at=clock.now + timedelta(hours=1))
    db.session.commit()
    _run(db)
    titles = set(db.session.scalars(select(Notification.title)))
    assert any(t.startswith("“月考”将于") for t in titles), titles
    assert any(t.startswith("“月考” opens") for t in titles), titles


def test_closing_soon_waits_for_half_the_window(clock):
    now = clock.now
    assert not closing_soon(now, now + timedelta(hours=2), now)
    assert closing_soon(now - timedelta(hours=1), now + timedelta(minutes=59), now)
    assert closing_soon(None, now + timedelta(hours=23), now)
    assert not closing_soon(now - timedelta(days=9), now + timedelta(hours=25), now)


def test_the_command_says_what_it_queued(app, db, clock):
    UserFactory()
    make_course(title="Rules", required=True)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["lms", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "queued 1 reminders (course_assigned 1)"
    assert app.test_cli_runner().invoke(args=["lms", "send-reminders"]).output.strip() == (
        "queued 0 reminders"
    )
