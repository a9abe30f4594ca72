"""Quiz statistics against numbers worked out by hand: facility, discrimination, options."""

from __future__ import annotations

import math

import pytest

from quizzes.services import answers, attempts, statistics
from quizzes.services.presentation import attempt_view
from tests.factories import UserFactory
from tests.quiz_factories import make_bank, make_quiz


def test_facility_is_the_mean_fraction():
    assert statistics.facility([1.0, 0.0, 1.0, 0.5]) == pytest.approx(0.625)
    assert statistics.facility([]) is None


def test_discrimination_is_the_correlation_with_the_rest_of_the_test():
    # means 0.5 and 2; covariance sum 1; variance sums 1 and 2: r = 1 / sqrt(2)
    r = statistics.discrimination([1, 0, 1, 0], [3, 1, 2, 2])
    assert r == pytest.approx(1 / math.sqrt(2))
    assert statistics.discrimination([1, 0], [0, 1]) == pytest.approx(-1.0)


def test_discrimination_is_undefined_without_spread_or_data():
    assert statistics.discrimination([1, 1, 1], [0, 1, 2]) is None
    assert statistics.discrimination([1], [2]) is None
    assert statistics.discrimination([], []) is None


def test_histogram_has_ten_bands_and_a_full_mark_in_the_last():
    bins = statistics.histogram([0, 9.9, 10, 55, 99.5, 100, 100])
    assert [(b.low, b.high) for b in bins][:2] == [(0, 10), (10, 20)]
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 3]


def _answer(member, quiz, capital: str, statement: bool) -> None:
    attempt = attempts.start(member, quiz)
    view = attempt_view(attempt, member)
    choice = next(item for item in view["items"] if item["type"] == "single_choice")
    token = next(o["id"] for o in choice["options"] if o["text_html"] == capital)
    answers.save_answer(attempt, choice["slot"], token, 1)
    other = next(item for item in view["items"] if item["type"] == "true_false")
    answers.save_answer(attempt, other["slot"], statement, 1)
    attempts.submit(attempt)


def test_quiz_statistics_from_five_attempts(db):
    quiz = make_quiz(make_bank(types=("single_choice", "true_false")))
    answers = [("Paris", True), ("Paris", False), ("Lyon", True), ("Lyon", False), ("Paris", True)]
    for capital, statement in answers:
        _answer(UserFactory(), quiz, capital, statement)

    stats = statistics.quiz_statistics(quiz)

    assert stats.members == 5
    assert [b.count for b in stats.bins] == [1, 0, 0, 0, 0, 2, 0, 0, 0, 2]  # 0, 50, 50, 100, 100
    assert stats.average_percent == 60.0
    choice, statement = stats.questions
    assert choice.version.type == "single_choice"
    assert choice.attempts == 5
    assert choice.facility == pytest.approx(0.6)
    # item scores 2,2,0,0,2 and rest 2,0,2,0,2: covariance 0.8, both variance sums 4.8
    assert choice.discrimination == pytest.approx(1 / 6)
    assert [(o.label, o.count, o.is_correct) for o in choice.options] == [
        ("Paris", 3, True),
        ("Lyon", 2, False),
        ("Nice", 0, False),
    ]
    assert [(o.count, o.is_correct) for o in statement.options] == [(3, True), (2, False)]
    assert statement.facility == pytest.approx(0.6)


def test_unanswered_and_ungraded_answers(db):
    quiz = make_quiz(make_bank(types=("single_choice", "short_answer")))
    for _ in range(2):
        attempt = attempts.start(UserFactory(), quiz)
        attempts.submit(attempt)
    choice, short = statistics.quiz_statistics(quiz).questions
    assert choice.unanswered == 2
    assert choice.facility == 0.0
    assert short.waiting == 0  # nothing to grade: an empty answer earns nothing
    assert short.options == []
