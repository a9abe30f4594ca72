"""What an attempt may reveal, and to whom: marks, correct answers and explanations are each
shown only when the quiz's review rules allow. Every page, the API and exports ask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lms.core.clock import utcnow
from quizzes.models import Attempt, AttemptItem, Feedback, ReviewWhen, State
from quizzes.permissions import can_manage_quiz
from quizzes.services import timing


@dataclass(frozen=True)
class Visibility:
    marks: bool = False
    answers: bool = False  # the correct answer, and per-option feedback
    explanations: bool = False

    @property
    def anything(self) -> bool:
        return self.marks or self.answers or self.explanations


NOTHING = Visibility()
EVERYTHING = Visibility(True, True, True)


def _allowed(when: str, attempt: Attempt, now: datetime) -> bool:
    if when == ReviewWhen.AFTER_ATTEMPT:
        return True
    if when == ReviewWhen.AFTER_CLOSE:
        return attempt.quiz is not None and timing.is_closed(attempt.quiz, now)
    return False


def visibility(attempt: Attempt, viewer: Any, now: datetime | None = None) -> Visibility:
    """What the whole attempt may show ``viewer`` now."""
    if attempt.state != State.FINISHED:
        return NOTHING
    quiz = attempt.quiz
    if quiz is None:
        return EVERYTHING  # practice, daily quiz and notebook sessions teach
    if getattr(viewer, "id", None) != attempt.user_id and can_manage_quiz(viewer, quiz):
        return EVERYTHING
    now = now or utcnow()
    return Visibility(
        marks=_allowed(quiz.review_marks, attempt, now),
        answers=_allowed(quiz.review_answers, attempt, now),
        explanations=_allowed(quiz.review_explanations, attempt, now),
    )


def item_visibility(attempt: Attempt, item: AttemptItem, whole: Visibility) -> Visibility:
    """Immediate feedback shows a checked answer's mark, the right answer and the explanation
    at once; otherwise the item follows the attempt."""
    immediate = attempt.quiz is None or attempt.quiz.feedback == Feedback.IMMEDIATE
    if immediate and item.checked_at is not None:
        return EVERYTHING
    return whole
