"""Practice, the daily quiz and the wrong-answer notebook through their services."""

from __future__ import annotations

import threading

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db as _db
from lms.core.settings import set_setting
from lms.points.models import PointEntry
from lms.points.services import total
from question_bank.models import Question
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.models import Attempt, Mode, State, WrongAnswer
from quizzes.services import answers, attempts, daily, grading, notebook, practice
from quizzes.signals import attempt_graded


def _statements(path: str, count: int) -> list[Question]:
    """``count`` true-or-false questions (all true) in the category at ``path``."""
    category = categories.ensure_path(path)
    return [
        questions.create_question(
            category,
            QuestionContent(
                type="true_false",
                stem_md=f"{path} statement {number}",
                definition={"correct": True},
                explanation_md=f"Because of reason {number}.",
            ),
        )
        for number in range(count)
    ]


def _answer(attempt: Attempt, right: int) -> None:
    """Answer the first ``right`` items right and the others wrong, then submit."""
    for number, item in enumerate(attempt.items):
        answers.save_answer(attempt, item.slot, number < right, 1)
    attempts.submit(attempt)


def _question_ids(attempt: Attempt) -> set[int]:
    return {item.version.question_id for item in attempt.items}


def _points(user) -> int:
    return total(user)


# Practice


def test_practice_draws_only_from_the_open_categories_and_their_subcategories(db, member):
    open_top = _statements("Safety", 3) + _statements("Safety/Fire", 3)
    _statements("Finance", 10)
    retired = _statements("Safety/Old", 1)[0]
    questions.set_retired(retired, True)
    practice.set_practice_categories([categories.by_path("Safety").id])

    session = practice.start_practice(member, categories.by_path("Safety").id, 5)

    assert session.mode == Mode.PRACTICE and session.quiz_id is None
    assert session.deadline_at is None
    assert len(session.items) == 5
    assert _question_ids(session) <= {q.id for q in open_top}
    with pytest.raises(NotFoundError, match="not open for practice"):
        practice.start_practice(member, categories.by_path("Finance").id, 5)


def test_practice_offers_count_live_questions_with_subcategories(db):
    _statements("Safety", 2)
    _statements("Safety/Fire", 3)
    _statements("Safety/Fire/Drills", 1)
    _statements("Other", 4)
    practice.set_practice_categories([categories.by_path("Safety").id])

    offered = {offer.category.path: (offer.questions, offer.depth) for offer in practice.offers()}

    assert offered == {"Safety": (6, 0), "Safety/Fire": (4, 1), "Safety/Fire/Drills": (1, 2)}


def test_practice_refuses_a_bad_size_and_too_few_questions_with_a_clear_message(db, member):
    _statements("Small", 3)
    small = categories.by_path("Small")
    practice.set_practice_categories([small.id])
    with pytest.raises(ValidationError, match="has 3 questions: choose 3"):
        practice.start_practice(member, small.id, 7)
    with pytest.raises(ValidationError, match="has 3 questions: choose 3"):
        practice.start_practice(member, small.id, 5)
    with pytest.raises(ValidationError):
        practice.set_practice_categories([small.id, 987654])


def test_practice_offers_only_sizes_that_fit_and_all_of_a_small_category(db, member):
    _statements("Tiny", 2)
    _statements("Mid", 12)
    _statements("Empty/Sub", 0)
    categories.ensure_path("Empty")
    practice.set_practice_categories(
        [categories.by_path(path).id for path in ("Tiny", "Mid", "Empty")]
    )

    offered = {offer.category.path: (offer.sizes, offer.takes_all) for offer in practice.offers()}

    assert offered == {"Mid": ([5, 10], False), "Tiny": ([2], True)}
    session = practice.start_practice(member, categories.by_path("Tiny").id, 2)
    assert len(session.items) == 2
    assert len(practice.start_practice(member, categories.by_path("Mid").id, 10).items) == 10
    with pytest.raises(ValidationError, match="choose 5, 10"):
        practice.start_practice(member, categories.by_path("Mid").id, 12)


def test_practice_never_awards_points(db, member):
    _statements("Safety", 5)
    practice.set_practice_categories([categories.by_path("Safety").id])
    session = practice.start_practice(member, categories.by_path("Safety").id, 5)
    _answer(session, right=5)
    assert session.score == 5
    assert _points(member) == 0


# Daily quiz


def _configure_daily(count: int = 5, path: str = "Daily", questions_in_bank: int = 8) -> None:
    _statements(path, questions_in_bank)
    daily.save_settings([categories.by_path(path).id], count)


def test_one_daily_session_per_member_and_day(db, member, make_user, clock):
    _configure_daily(count=4)
    first = daily.start_daily(member)
    assert first.mode == Mode.DAILY and first.daily_on == clock.now.date()
    assert len(first.items) == 4
    assert daily.start_daily(member).id == first.id

    other = daily.start_daily(make_user(username="other"))
    assert other.id != first.id

    clock.advance(days=1)
    tomorrow = daily.start_daily(member)
    assert tomorrow.id != first.id
    assert tomorrow.daily_on == clock.now.date()


def test_the_daily_draw_is_the_same_for_a_member_and_day(db, member):
    _configure_daily(count=3, questions_in_bank=12)
    day = daily.today()
    assert daily._draw(member, day) == daily._draw(member, day)


def test_daily_refuses_when_not_configured(db, member):
    with pytest.raises(ConflictError) as refused:
        daily.start_daily(member)
    assert refused.value.code == "not_configured"
    with pytest.raises(ValidationError):
        daily.save_settings([], 0)


def test_correct_daily_answers_earn_points_once_up_to_the_daily_cap(db, member, clock):
    _configure_daily(count=7, questions_in_bank=7)
    session = daily.start_daily(member)
    _answer(session, right=6)

    assert _points(member) == 5  # 6 right, 1 point each, capped at 5 a day
    entries = _db.session.scalar(
        select(func.count()).select_from(PointEntry).where(PointEntry.rule == "daily_quiz_correct")
    )
    assert entries == 6  # the capped one is recorded with 0 points

    attempt_graded.send(attempt=session)  # a regrade sends the signal again
    daily.award_points(session)
    assert _points(member) == 5
    status = daily.status(member)
    assert (status.correct, status.total, status.points, status.streak) == (6, 7, 5, 1)


def test_admins_override_the_daily_cap_through_site_settings(db, member):
    set_setting("points.daily_quiz_correct.daily_cap", 2)
    set_setting("points.daily_quiz_correct.points", 3)
    _configure_daily(count=5)
    _answer(daily.start_daily(member), right=5)
    assert _points(member) == 2


def test_the_streak_counts_days_in_a_row_with_a_finished_daily_quiz(db, member, clock):
    _configure_daily(count=1)
    for _day in range(3):
        _answer(daily.start_daily(member), right=1)
        clock.advance(days=1)
    assert daily.status(member).streak == 3  # today not done yet: the run up to yesterday
    daily.start_daily(member)
    assert daily.status(member).streak == 3  # in progress does not count, nor break it
    clock.advance(days=2)
    assert daily.status(member).streak == 0


def test_two_racing_daily_starts_give_one_session(app, db, member):
    _configure_daily(count=3)
    user_id, user_class = member.id, type(member)
    _db.session.commit()  # and touch nothing after it: SQLite's write lock stays free
    barrier = threading.Barrier(2)
    started: list[int] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)  # before any query: SQLite's BEGIN takes the lock
                user = _db.session.get(user_class, user_id)
                started.append(daily.start_daily(user).id)
                _db.session.commit()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(started)) == 1
    count = _db.session.scalar(
        select(func.count()).select_from(Attempt).where(Attempt.mode == Mode.DAILY)
    )
    assert count == 1


# The wrong-answer notebook


def test_a_wrong_daily_answer_goes_to_the_notebook_and_clears_after_two_rights(db, member):
    _configure_daily(count=3, questions_in_bank=3)
    session = daily.start_daily(member)
    _answer(session, right=2)
    wrong = [e.entry for e in notebook.entries(member)]
    assert len(wrong) == 1 and wrong[0].wrong_count == 1
    shown = notebook.entries(member)[0]
    assert shown.correct_answer and "reason" in shown.version.explanation_md

    first = practice.start_notebook_session(member)
    assert first.mode == Mode.NOTEBOOK
    assert _question_ids(first) == {wrong[0].question_id}
    _answer(first, right=1)
    assert notebook.entries(member)[0].entry.right_streak == 1

    second = practice.start_notebook_session(member)
    _answer(second, right=1)
    assert notebook.entries(member) == []
    cleared = notebook.entries(member, cleared=True)
    assert [c.entry.question_id for c in cleared] == [wrong[0].question_id]
    with pytest.raises(ConflictError, match="nothing to practise"):
        practice.start_notebook_session(member)
    assert _points(member) == 2  # notebook sessions earn nothing; the daily's 2 rights did


def test_a_wrong_answer_after_a_right_one_resets_the_streak_and_counts_again(
    db, member, count_queries
):
    bank = _statements("Notebook streak", 5)
    practice.set_practice_categories([bank[0].category_id])
    _answer(practice.start_practice(member, bank[0].category_id, 5), right=0)
    _answer(practice.start_practice(member, bank[0].category_id, 5), right=5)
    assert {e.entry.right_streak for e in notebook.entries(member)} == {1}

    third = practice.start_practice(member, bank[0].category_id, 5)
    for number, item in enumerate(third.items):
        answers.save_answer(third, item.slot, number == 0, 1)
    grading.grade_attempt(third)
    db.session.flush()
    with count_queries() as counter:
        notebook.record_attempt(third)
    # The right answers given to the wrong ones, one upsert for the wrong answers, one update
    # for the right one; no entry is read.
    assert len(counter.statements) == 3, counter.statements
    right_now = third.items[0].version.question_id
    still_open = {e.entry.question_id: e.entry for e in notebook.entries(member)}
    assert right_now not in still_open and len(still_open) == 4
    assert {(e.wrong_count, e.right_streak) for e in still_open.values()} == {(2, 0)}
    [cleared] = notebook.entries(member, cleared=True)
    assert cleared.entry.question_id == right_now and cleared.entry.right_streak == 2


def test_skipped_questions_never_enter_the_notebook(db, member):
    bank = _statements("Skipped", 5)
    practice.set_practice_categories([bank[0].category_id])
    session = practice.start_practice(member, bank[0].category_id, 5)
    first, second, third = session.items[:3]
    answers.save_answer(session, first.slot, True, 1)  # right
    answers.save_answer(session, second.slot, False, 1)  # wrong
    answers.save_answer(session, third.slot, None, 1)  # given, then taken back
    attempts.submit(session)  # the last two never answered

    assert [e.entry.question_id for e in notebook.entries(member)] == [second.version.question_id]
    assert not notebook.answered(None) and not notebook.answered(["", " "])
    assert notebook.answered(False) and notebook.answered(0) and notebook.answered(["", "x"])


def test_right_answers_given_anywhere_after_a_wrong_one_count_even_when_it_is_graded_late(
    db, member, clock
):
    """A session answered wrong in the morning and handed in at night: the right answers given
    in between elsewhere count toward mastery, and a newer wrong answer is not undone."""
    bank = _statements("Late", 5)
    practice.set_practice_categories([bank[0].category_id])
    morning = practice.start_practice(member, bank[0].category_id, 5)
    for item in morning.items:
        answers.save_answer(morning, item.slot, False, 1)
    clock.advance(hours=1)
    _answer(practice.start_practice(member, bank[0].category_id, 5), right=5)
    clock.advance(hours=1)
    noon = practice.start_practice(member, bank[0].category_id, 5)
    for number, item in enumerate(noon.items):
        answers.save_answer(noon, item.slot, number > 0, 1)  # the first one wrong again
    attempts.submit(noon)
    again_wrong = noon.items[0].version.question_id
    clock.advance(hours=1)
    _answer(practice.start_practice(member, bank[0].category_id, 5), right=5)
    clock.advance(hours=8)
    attempts.submit(morning)

    [still_open] = notebook.entries(member)
    assert still_open.entry.question_id == again_wrong
    assert (still_open.entry.wrong_count, still_open.entry.right_streak) == (2, 1)
    assert still_open.entry.last_wrong_at == noon.items[0].saved_at
    cleared = notebook.entries(member, cleared=True)
    assert len(cleared) == 4 and {c.entry.right_streak for c in cleared} == {2}


def test_notebook_sessions_take_up_to_twenty_open_entries_and_filter_by_category(db, member):
    bank = _statements("Many", 22) + _statements("Few", 2)
    for question in bank:
        _db.session.add(
            WrongAnswer(
                user_id=member.id,
                question_id=question.id,
                question_version_id=question.current_version_id,
            )
        )
    _db.session.flush()
    assert len(practice.start_notebook_session(member).items) == 20
    few = categories.by_path("Few")
    only_few = practice.start_notebook_session(member, few.id)
    assert _question_ids(only_few) == {q.id for q in bank[-2:]}
    assert [c.path for c in notebook.categories_with_open_entries(member)] == ["Few", "Many"]
    assert len(notebook.entries(member, category=few)) == 2
    assert all(a.state == State.IN_PROGRESS for a in _db.session.scalars(select(Attempt)))


def test_a_start_that_loses_the_race_takes_the_winners_session(db, member, monkeypatch):
    _configure_daily(count=2)
    winner = daily.start_daily(member)
    seen = iter([None])  # the loser looked before the winner's row existed
    real = daily.session_of
    monkeypatch.setattr(daily, "session_of", lambda user, day: next(seen, real(user, day)))
    assert daily.start_daily(member).id == winner.id
    assert _db.session.scalar(select(func.count()).select_from(Attempt)) == 1


@pytest.fixture(autouse=True)
def _english(db):
    """Messages are checked in English; the site's default language is Chinese."""
    with force_locale("en"):
        yield
