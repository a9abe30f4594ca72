"""Quiz statistics for organizers: the score distribution and, per question, facility,
discrimination and how often each option was picked.

Definitions follow Moodle's quiz statistics. The facility index is the mean fraction of the mark
members earned on a question. The discrimination index is the Pearson correlation between the
question's score and the score on the rest of the test (the attempt's score without this
question), over finished attempts; near 1 the question separates strong from weak members well,
near 0 or below it does not.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lms.core.extensions import db
from question_bank.models import QuestionVersion
from quizzes.models import Attempt, AttemptItem, Quiz, State
from quizzes.services.results import ResultFilters, quiz_results

CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false")
BINS = 10


@dataclass(frozen=True)
class Bin:
    low: int  # percent, inclusive
    high: int  # percent, exclusive except for the last bin, which holds 100
    count: int


def histogram(percents: Sequence[float], bins: int = BINS) -> list[Bin]:
    """How many grades fall in each of ``bins`` equal bands of 0-100 %."""
    width = 100 / bins
    counts = [0] * bins
    for percent in percents:
        index = min(int(max(percent, 0) // width), bins - 1)
        counts[index] += 1
    return [Bin(round(i * width), round((i + 1) * width), n) for i, n in enumerate(counts)]


def facility(fractions: Sequence[float]) -> float | None:
    """Mean fraction of the mark earned, 0..1; None without data."""
    return sum(fractions) / len(fractions) if fractions else None


def discrimination(item_scores: Sequence[float], rest_scores: Sequence[float]) -> float | None:
    """Pearson correlation of the item's scores with the rest-of-test scores, -1..1.

    None when it is undefined: fewer than two attempts, or no spread in either list.
    """
    n = len(item_scores)
    if n < 2 or n != len(rest_scores):
        return None
    mean_x = sum(item_scores) / n
    mean_y = sum(rest_scores) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(item_scores, rest_scores, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in item_scores)
    var_y = sum((y - mean_y) ** 2 for y in rest_scores)
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return cov / math.sqrt(var_x * var_y)


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int
    is_correct: bool


@dataclass
class QuestionStats:
    version: QuestionVersion  # the newest version seen in the attempts
    position: int  # the first slot it was shown in, for ordering
    attempts: int = 0
    facility: float | None = None
    discrimination: float | None = None
    waiting: int = 0  # answers still waiting for a person's mark
    options: list[OptionCount] = field(default_factory=list)
    unanswered: int = 0


@dataclass
class QuizStatistics:
    quiz: Quiz
    members: int
    average_percent: float | None
    bins: list[Bin]
    questions: list[QuestionStats]

    @property
    def tallest_bin(self) -> int:
        return max((b.count for b in self.bins), default=0)


def _picked(version_type: str, response: Any) -> list[Any]:
    if response is None:
        return []
    if version_type == "multiple_choice":
        return list(response) if isinstance(response, list) else []
    return [response]


def _option_counts(versions: list[QuestionVersion], responses: list[Any]) -> list[OptionCount]:
    """Picks per option; labels and the right answer from the newest version that has them."""
    newest = versions[-1]
    if newest.type == "true_false":
        labels = {True: _("True"), False: _("False")}
        correct = {newest.definition["correct"]}
    else:
        labels = {}
        for version in versions:  # oldest first, so the newest wording wins
            labels.update({o["id"]: o.get("text", "") for o in version.definition["options"]})
        right = newest.definition.get("correct")
        correct = set(right) if isinstance(right, list) else {right}
    counts: dict[Any, int] = defaultdict(int)
    for response in responses:
        for choice in _picked(newest.type, response):
            counts[choice] += 1
    return [OptionCount(str(label), counts[key], key in correct) for key, label in labels.items()]


def _question_stats(rows: list[tuple[AttemptItem, float | None]]) -> QuestionStats:
    versions = sorted({item.version.id: item.version for item, _s in rows}.values(), key=_number)
    stats = QuestionStats(version=versions[-1], position=min(item.slot for item, _s in rows))
    graded = [(item, total or 0.0) for item, total in rows if item.fraction is not None]
    stats.attempts = len(rows)
    stats.waiting = len(rows) - len(graded)
    stats.facility = facility([item.fraction or 0.0 for item, _t in graded])
    stats.discrimination = discrimination(
        [item.score or 0.0 for item, _t in graded],
        [total - (item.score or 0.0) for item, total in graded],
    )
    if stats.version.type in CHOICE_TYPES:
        stats.options = _option_counts(versions, [item.response for item, _s in rows])
        stats.unanswered = sum(item.response is None for item, _s in rows)
    return stats


def _number(version: QuestionVersion) -> int:
    return version.number


def quiz_statistics(quiz: Quiz) -> QuizStatistics:
    """Statistics over every finished attempt of the quiz; the histogram over members' grades."""
    members = quiz_results(quiz, None, ResultFilters()).rows
    percents = [row.percent for row in members if row.percent is not None]
    items = db.session.execute(
        select(AttemptItem, Attempt.score)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == State.FINISHED)
        .order_by(AttemptItem.id)
    ).all()
    by_question: dict[int, list[tuple[AttemptItem, float | None]]] = defaultdict(list)
    for item, total in items:
        by_question[item.version.question_id].append((item, total))
    questions = sorted(
        (_question_stats(rows) for rows in by_question.values()), key=lambda q: q.position
    )
    return QuizStatistics(
        quiz=quiz,
        members=len(members),
        average_percent=round(sum(percents) / len(percents), 1) if percents else None,
        bins=histogram(percents),
        questions=questions,
    )
