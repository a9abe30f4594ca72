"""The member's list of quizzes: open now, coming up and closed, with their standing in each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from quizzes.models import Attempt, Quiz, State
from quizzes.permissions import in_audience
from quizzes.services import attempts, grading, timing
from quizzes.services.review import visibility


@dataclass(frozen=True)
class QuizRow:
    """One quiz of the member's list with their standing in it."""

    quiz: Quiz
    used: int
    left: int | None
    grade: float | None  # None also when the review rules do not show marks yet
    max_score: float | None
    current: Attempt | None


def catalogue(user: User) -> dict[str, list[QuizRow]]:
    """The published quizzes in the member's audience, in three groups, in two queries."""
    quizzes = db.session.scalars(
        select(Quiz)
        .where(Quiz.is_published.is_(True))
        .options(selectinload(Quiz.units))
        .order_by(Quiz.opens_at, Quiz.title, Quiz.id)
    ).all()
    mine = [quiz for quiz in quizzes if in_audience(user, quiz)]
    by_quiz: dict[int, list[Attempt]] = {quiz.id: [] for quiz in mine}
    if mine:
        for attempt in db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.quiz_id.in_(list(by_quiz)))
            .order_by(Attempt.number)
        ):
            by_quiz[attempt.quiz_id or 0].append(attempt)
    now = utcnow()
    groups: dict[str, list[QuizRow]] = {"open": [], "upcoming": [], "closed": []}
    for quiz in mine:
        tried = by_quiz[quiz.id]
        counted = grading.counted_attempt(quiz, tried)
        shows = counted is not None and visibility(counted, user, now).marks
        current = next((a for a in tried if a.state == State.IN_PROGRESS), None)
        row = QuizRow(
            quiz=quiz,
            used=len(tried),
            left=attempts.attempts_left(quiz, len(tried)),
            grade=grading.member_grade(quiz, tried) if shows else None,
            max_score=counted.max_score if shows and counted else None,
            current=current,
        )
        if timing.is_open(quiz, now):
            groups["open"].append(row)
        elif timing.is_closed(quiz, now):
            groups["closed"].append(row)
        else:
            groups["upcoming"].append(row)
    return groups
