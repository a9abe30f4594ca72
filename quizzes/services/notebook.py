"""The wrong-answer notebook (错题本): every question a member got wrong stays in it, with its
explanation, until they answer it right twice in a row."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from quizzes.models import Attempt, WrongAnswer
from quizzes.services.grading import is_correct

RIGHT_TIMES_TO_CLEAR = 2


def record_attempt(attempt: Attempt) -> None:
    """Note wrong answers of a graded attempt and count right answers of noted questions."""
    items = [item for item in attempt.items if is_correct(item) is not None]
    if not items:
        return
    question_ids = [item.version.question_id for item in items]
    entries = {
        entry.question_id: entry
        for entry in db.session.scalars(
            select(WrongAnswer).where(
                WrongAnswer.user_id == attempt.user_id, WrongAnswer.question_id.in_(question_ids)
            )
        )
    }
    now = utcnow()
    for item in items:
        question_id = item.version.question_id
        entry = entries.get(question_id)
        if is_correct(item):
            if entry is not None and entry.cleared_at is None:
                entry.right_streak += 1
                if entry.right_streak >= RIGHT_TIMES_TO_CLEAR:
                    entry.cleared_at = now
            continue
        if entry is None:
            entry = WrongAnswer(
                user_id=attempt.user_id,
                question_id=question_id,
                question_version_id=item.question_version_id,
                wrong_count=0,
            )
            db.session.add(entry)
            entries[question_id] = entry
        entry.wrong_count = (entry.wrong_count or 0) + 1
        entry.right_streak = 0
        entry.cleared_at = None
        entry.last_wrong_at = now
        entry.question_version_id = item.question_version_id
    db.session.flush()


def open_entries(user: User) -> list[WrongAnswer]:
    return list(
        db.session.scalars(
            select(WrongAnswer)
            .where(WrongAnswer.user_id == user.id, WrongAnswer.cleared_at.is_(None))
            .order_by(WrongAnswer.last_wrong_at.desc())
        )
    )


def open_count(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(WrongAnswer)
        .where(WrongAnswer.user_id == user.id, WrongAnswer.cleared_at.is_(None))
    )
