"""The roof tells members about a grade given by hand, published results and awarded points."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from competitions.services import results
from lms.accounts.models import User
from lms.notifications.models import Notification
from lms.points import services as points
from quizzes.services import answers, attempts, grading
from quizzes.services.presentation import attempt_view
from tests.quiz_factories import make_bank, make_quiz
from tests.unit.competitions.test_results import finished_competition


def _notes(db: Any) -> list[tuple[int, str, str, str | None]]:
    return [
        (n.user_id, n.kind, n.title, n.url)
        for n in db.session.scalars(select(Notification).order_by(Notification.id))
    ]


def test_points_by_hand_notify_and_lesson_points_do_not(
    db: Any, make_user: Callable[..., User], admin: User
) -> None:
    member = make_user(username="m", language="en")
    points.adjust(member, 15, "Helped at the fair", by=admin)
    points.adjust(member, -5, "Correction", by=admin)
    points.award(member, "lesson_completed", source_type="item", source_id=1, reason="Lesson")

    notes = _notes(db)
    assert [(kind, title, url) for _u, kind, title, url in notes] == [
        ("points_awarded", "You received 15 points", "/points"),
        ("points_awarded", "5 points were deducted", "/points"),
    ]
    body = db.session.scalars(select(Notification.body_md)).first()
    assert body == "Adjusted by an administrator: Helped at the fair"


def test_a_grade_by_hand_notifies_once_the_last_answer_is_marked(
    db: Any, member: User, organizer: User
) -> None:
    bank = make_bank(types=("short_answer",))
    quiz = make_quiz(bank + make_bank("Second bank", types=("short_answer",)))
    attempt = attempts.start(member, quiz)
    for item in attempt_view(attempt, member)["items"]:
        answers.save_answer(attempt, item["slot"], "An essay.", 1)
    attempts.submit(attempt)
    first, second = grading.manual_queue(quiz)

    grading.grade_manually(first, fraction=1, comment="", by=organizer)
    assert _notes(db) == []
    grading.grade_manually(second, fraction=0.5, comment="", by=organizer)
    grading.grade_manually(second, fraction=0.6, comment="Better", by=organizer)

    (note,) = _notes(db)
    assert note[:2] == (member.id, "grade_released")
    assert note[3].endswith(f"/attempts/{attempt.id}/review")
    assert quiz.title in note[2]


def test_published_results_notify_the_ranked_participants(db: Any, organizer: User) -> None:
    with force_locale("en"):
        competition, users = finished_competition([("first", 9, 100, 10), ("second", 5, 100, 10)])
        results.publish_results(competition, by=organizer)
        results.publish_results(competition, by=organizer)

    notes = [note for note in _notes(db) if note[1] == "results_published"]
    assert sorted(user_id for user_id, *_rest in notes) == sorted(u.id for u in users.values())
    assert all(url == f"/competitions/{competition.id}/results" for *_rest, url in notes)
    placed = [note for note in _notes(db) if note[1] == "points_awarded"]
    assert placed  # the places' points are news too
