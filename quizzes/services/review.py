"""What an attempt may reveal, and to whom: marks, correct answers and explanations are each
shown only when the quiz's review rules allow. Every page, the API and exports ask here.
A quiz owned by something above (a competition's round, see ``owners``) reveals nothing to
its members before the owner's hold ends, whatever the quiz's own rules say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lms.core.clock import utcnow
from quizzes.models import Attempt, AttemptItem, Feedback, ReviewWhen, State
from quizzes.permissions import can_manage_quiz
from quizzes.services import timing
from quizzes.services.owners import held_until


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
    if held_until(quiz.id, now) is not None:
        return NOTHING
    return Visibility(
        marks=_allowed(quiz.review_marks, attempt, now),
        answers=_allowed(quiz.review_answers, attempt, now),
        explanations=_allowed(quiz.review_explanations, attempt, now),
    )


def is_immediate(attempt: Attempt) -> bool:
    """Whether answers are checked one by one as they are given (never while held)."""
    quiz = attempt.quiz
    if quiz is None:
        return True
    return quiz.feedback == Feedback.IMMEDIATE and held_until(quiz.id) is None


def item_visibility(attempt: Attempt, item: AttemptItem, whole: Visibility) -> Visibility:
    """Immediate feedback shows a checked answer's mark, the right answer and the explanation
    at once; otherwise the item follows the attempt."""
    if is_immediate(attempt) and item.checked_at is not None:
        return EVERYTHING
    return whole
