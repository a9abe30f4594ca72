"""Scoring: automatic grading, the manual queue for answers a person grades, regrading, and a
member's grade for a quiz across attempts by the quiz's grading method."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, ValidationError
from lms.core.extensions import db
from question_bank.models import QuestionVersion
from question_bank.types import get_type
from quizzes.models import Attempt, AttemptItem, Grading, Quiz, State
from quizzes.signals import attempt_graded, grade_released


def auto_fraction(item: AttemptItem, version: QuestionVersion | None = None) -> float | None:
    """The fraction a response earns; None when a person must grade it."""
    version = version or item.version
    if item.response is None:
        return 0.0
    return get_type(version.type).grade(version.definition, item.response)


def item_grade(item: AttemptItem) -> dict[str, float | None] | None:
    """The item's automatic fraction and score; None when a person's mark stands."""
    if item.graded_by_id is not None:  # a person's mark stands until they change it
        return None
    fraction = auto_fraction(item)
    return {
        "fraction": None if fraction is None else round(fraction, 6),
        "score": None if fraction is None else round(fraction * item.mark, 4),
    }


def grade_item(item: AttemptItem) -> None:
    for name, value in (item_grade(item) or {}).items():
        setattr(item, name, value)


def totals(items: list[AttemptItem]) -> dict[str, float | bool]:
    """An attempt's score from its items; waiting for a person while any item is ungraded."""
    return {
        "max_score": round(sum(item.mark for item in items), 4),
        "score": round(sum(item.score or 0.0 for item in items), 4),
        "needs_grading": any(item.fraction is None for item in items),
    }


def total(attempt: Attempt) -> None:
    for name, value in totals(attempt.items).items():
        setattr(attempt, name, value)


def grade_attempt(attempt: Attempt) -> None:
    for item in attempt.items:
        grade_item(item)
    total(attempt)


RIGHT_FRACTION = 0.999  # a fraction this high is a right answer (rounding aside)


def is_correct(item: AttemptItem) -> bool | None:
    if item.fraction is None:
        return None
    return item.fraction >= RIGHT_FRACTION


def grade_manually(item: AttemptItem, *, fraction: float, comment: str, by: User) -> AttemptItem:
    """A person's mark for one answer, as a fraction of the item's mark, with a comment."""
    if item.attempt.state != State.FINISHED:
        raise ConflictError(_("The attempt is still in progress."))
    if not 0 <= fraction <= 1:
        raise ValidationError(
            _("Give a mark between 0 and %(max)s.", max=f"{item.mark:g}"), field="mark"
        )
    item.fraction = round(fraction, 6)
    item.score = round(fraction * item.mark, 4)
    item.comment = comment.strip()[:5000]
    item.graded_by_id = by.id
    item.graded_at = utcnow()
    total(item.attempt)
    db.session.flush()
    attempt_graded.send(attempt=item.attempt)
    grade_released.send(item=item)
    return item


def manual_queue(quiz: Quiz, *, include_graded: bool = False) -> list[AttemptItem]:
    """Answers of finished attempts that wait for a person, oldest attempt first."""
    query = (
        select(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.state == State.FINISHED,
            QuestionVersion.type == "short_answer",
            AttemptItem.response.is_not(None),
        )
        .order_by(Attempt.submitted_at, AttemptItem.slot)
    )
    if not include_graded:
        query = query.where(AttemptItem.fraction.is_(None))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class RegradeChange:
    attempt: Attempt
    old_score: float | None
    new_score: float | None


def regrade(quiz: Quiz, *, to_current_versions: bool = False) -> list[RegradeChange]:
    """Grade every finished attempt again, optionally moving each item to its question's current
    version first (after a question was fixed). Returns every attempt whose score changed."""
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.state == State.FINISHED)
    ).all()
    changes = []
    for attempt in attempts:
        before = attempt.score
        for item in attempt.items:
            current = item.version.question.current
            if to_current_versions and current is not None and current.type == item.version.type:
                item.question_version_id = current.id
                item.version = current
            if item.graded_by_id is None:
                grade_item(item)
        total(attempt)
        if before != attempt.score:
            changes.append(RegradeChange(attempt, before, attempt.score))
            attempt_graded.send(attempt=attempt)
    db.session.flush()
    return changes


def member_grade(quiz: Quiz, attempts: list[Attempt]) -> float | None:
    """A member's score for the quiz from their finished attempts, by the grading method."""
    finished = sorted(
        (a for a in attempts if a.state == State.FINISHED and a.score is not None),
        key=lambda a: a.number,
    )
    if not finished:
        return None
    scores = [a.score or 0.0 for a in finished]
    match quiz.grading:
        case Grading.LAST:
            return scores[-1]
        case Grading.FIRST:
            return scores[0]
        case Grading.AVERAGE:
            return round(sum(scores) / len(scores), 4)
        case _:
            return max(scores)


def counted_attempt(quiz: Quiz, attempts: list[Attempt]) -> Attempt | None:
    """The attempt that stands for the member's grade (the best one for "average")."""
    finished = sorted(
        (a for a in attempts if a.state == State.FINISHED and a.score is not None),
        key=lambda a: a.number,
    )
    if not finished:
        return None
    if quiz.grading == Grading.LAST:
        return finished[-1]
    if quiz.grading == Grading.FIRST:
        return finished[0]
    return max(finished, key=lambda a: (a.score or 0.0, -a.number))


def has_pass_mark(quiz: Quiz) -> bool:
    """Whether passing means anything: without a pass mark (or with 0 %) every finished attempt
    passes, so pages and exports show no pass figures for it."""
    return bool(quiz.pass_percent)


def passed(quiz: Quiz, attempt: Attempt) -> bool:
    """Reached the pass mark (any finished attempt passes a quiz without one)."""
    if attempt.state != State.FINISHED or attempt.needs_grading:
        return False
    if quiz.pass_percent is None:
        return True
    return (attempt.percent or 0.0) >= quiz.pass_percent
