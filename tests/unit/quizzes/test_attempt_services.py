"""Attempts end to end through the services: draw, save, submit, grade, review, the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.core.errors import ConflictError, NotFoundError, ValidationError
from quizzes.models import State
from quizzes.services import answers, attempts, grading
from quizzes.services.presentation import attempt_view
from tests.quiz_factories import SAMPLE_QUESTIONS, make_bank, make_quiz, right_answer


def _answer_all(attempt, user) -> None:
    view = attempt_view(attempt, user)
    for number, item in enumerate(view["items"], start=1):
        answers.save_answer(attempt, item["slot"], right_answer(item), number)


def test_an_attempt_draws_every_question_and_grades_the_right_answers(db, member):
    quiz = make_quiz(review_answers="after_attempt", review_explanations="after_attempt")
    attempt = attempts.start(member, quiz)
    assert len(attempt.items) == len(SAMPLE_QUESTIONS)
    _answer_all(attempt, member)
    attempts.submit(attempt)

    assert attempt.state == State.FINISHED
    assert attempt.finished_by == "member"
    assert attempt.needs_grading  # the short answer waits for a person
    assert attempt.score == pytest.approx(2.0 * (len(SAMPLE_QUESTIONS) - 1))
    view = attempt_view(attempt, member)
    assert view["score"] == attempt.score
    single = next(i for i in view["items"] if i["type"] == "single_choice")
    assert single["correct"] is True
    assert "987" in single["explanation_html"]
    assert single["correct_answer"] == single["answer"]


def test_nothing_revealing_is_in_the_view_before_review(db, member):
    quiz = make_quiz(review_marks="never", review_answers="never", review_explanations="never")
    attempt = attempts.start(member, quiz)
    view = attempt_view(attempt, member)
    for item in view["items"]:
        assert not {"score", "correct", "correct_answer", "explanation_html"} & set(item)
        for option in item.get("options", []) + item.get("right", []):
            assert option["id"] not in ("a", "b", "c", "p1", "p2")
    attempts.submit(attempt)
    view = attempt_view(attempt, member)
    assert "score" not in view
    assert all("correct_answer" not in item for item in view["items"])


def test_resuming_gives_the_same_attempt_and_a_second_start_is_refused_after_the_last(db, member):
    quiz = make_quiz(max_attempts=1)
    first = attempts.start(member, quiz)
    assert attempts.start(member, quiz).id == first.id
    attempts.submit(first)
    with pytest.raises(ConflictError) as refused:
        attempts.start(member, quiz)
    assert refused.value.code == "no_attempts"


def test_a_stale_save_never_overwrites_a_newer_one(db, member):
    bank = make_bank(types=("true_false",))
    attempt = attempts.start(member, make_quiz(bank))
    answers.save_answer(attempt, 1, True, 5)
    answers.save_answer(attempt, 1, False, 4)
    answers.save_answer(attempt, 1, False, 5)
    assert attempt.items[0].response is True
    assert attempt.items[0].sequence == 5


def test_unknown_options_are_refused(db, member):
    attempt = attempts.start(member, make_quiz(make_bank(types=("single_choice",))))
    with pytest.raises(ValidationError):
        answers.save_answer(attempt, 1, "a", 1)  # a definition id, not this attempt's token


def test_deadline_plus_grace_is_the_last_accepted_moment(db, member, clock):
    quiz = make_quiz(make_bank(types=("true_false",)), time_limit_seconds=600, grace_seconds=60)
    attempt = attempts.start(member, quiz)
    assert attempt.deadline_at == clock.now + timedelta(seconds=600)
    clock.advance(seconds=659)
    answers.save_answer(attempt, 1, True, 1)
    clock.advance(seconds=2)
    with pytest.raises(attempts.ClosedError):
        answers.save_answer(attempt, 1, False, 2)
    assert attempt.state == State.FINISHED
    assert attempt.finished_by == "timeout"
    assert attempt.submitted_at == attempt.deadline_at
    assert attempt.score == 2.0  # graded as it stood


def test_a_close_time_cuts_the_time_limit_short(db, member, clock):
    quiz = make_quiz(
        make_bank(types=("true_false",)),
        time_limit_seconds=3600,
        closes_at=clock.now + timedelta(minutes=10),
    )
    attempt = attempts.start(member, quiz)
    assert attempt.deadline_at == clock.now + timedelta(minutes=10)


def test_the_server_closes_abandoned_attempts(db, member, clock):
    quiz = make_quiz(make_bank(types=("true_false",)), time_limit_seconds=60, grace_seconds=0)
    attempt = attempts.start(member, quiz)
    db.session.commit()
    clock.advance(seconds=61)
    assert attempts.close_overdue() == 1
    assert attempt.state == State.FINISHED
    assert attempts.close_overdue() == 0


def test_a_double_submit_scores_once(db, member):
    attempt = attempts.start(member, make_quiz(make_bank(types=("true_false",))))
    attempts.submit(attempt)
    submitted = attempt.submitted_at
    assert attempts.finish(attempt, by="member") is False
    assert attempt.submitted_at == submitted


def test_manual_grading_and_regrade(db, member, organizer):
    bank = make_bank(types=("short_answer", "true_false"))
    quiz = make_quiz(bank)
    attempt = attempts.start(member, quiz)
    for item in attempt_view(attempt, member)["items"]:
        answer = "An essay." if item["type"] == "short_answer" else False
        answers.save_answer(attempt, item["slot"], answer, 1)
    attempts.submit(attempt)
    queue = grading.manual_queue(quiz)
    assert len(queue) == 1
    grading.grade_manually(queue[0], fraction=0.5, comment="Fair", by=organizer)
    assert attempt.score == 1.0 and not attempt.needs_grading

    from question_bank.services import questions  # noqa: PLC0415
    from question_bank.services.questions import QuestionContent  # noqa: PLC0415

    true_false = next(q for q in bank if q.current.type == "true_false")
    questions.edit_question(
        true_false,
        QuestionContent(
            type="true_false", stem_md="The sky is blue.", definition={"correct": False}
        ),
    )
    changes = grading.regrade(quiz, to_current_versions=True)
    assert [(c.old_score, c.new_score) for c in changes] == [(1.0, 3.0)]


def test_other_members_cannot_see_an_attempt(db, member, make_user):
    attempt = attempts.start(member, make_quiz(make_bank(types=("true_false",))))
    with pytest.raises(NotFoundError):
        attempts.attempt_for(make_user(username="other"), attempt.id)
