"""The wrong-answer notebook (错题本): every question a member got wrong stays in it, with its
explanation, until they answer it right twice in a row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, insert, or_, select

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import ConflictError
from lms.core.extensions import db
from question_bank.models import Question, QuestionCategory, QuestionVersion
from question_bank.render import correct_answer_text
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
    new_rows: dict[int, dict[str, Any]] = {}
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
            row = new_rows.setdefault(
                question_id,
                {"user_id": attempt.user_id, "question_id": question_id, "wrong_count": 0},
            )
            row.update(
                wrong_count=row["wrong_count"] + 1,
                right_streak=0,
                last_wrong_at=now,
                question_version_id=item.question_version_id,
            )
            continue
        entry.wrong_count = (entry.wrong_count or 0) + 1
        entry.right_streak = 0
        entry.cleared_at = None
        entry.last_wrong_at = now
        entry.question_version_id = item.question_version_id
    if new_rows:  # one statement, not one INSERT per question
        db.session.execute(insert(WrongAnswer), list(new_rows.values()))
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


NOTEBOOK_SESSION_SIZE = 20


@dataclass(frozen=True)
class NotebookEntry:
    """An entry as the notebook page shows it: the question as it now reads, with its answer."""

    entry: WrongAnswer
    version: QuestionVersion
    category: QuestionCategory
    correct_answer: str


def _in_category(category: QuestionCategory) -> Any:
    return or_(
        QuestionCategory.id == category.id,
        QuestionCategory.path.startswith(category.path + "/", autoescape=True),
    )


def entries(
    user: User, *, cleared: bool = False, category: QuestionCategory | None = None
) -> list[NotebookEntry]:
    """Open (or cleared) entries, newest mistake first, of live questions; one query."""
    query = (
        select(WrongAnswer, QuestionVersion, QuestionCategory)
        .join(Question, Question.id == WrongAnswer.question_id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .join(QuestionCategory, QuestionCategory.id == Question.category_id)
        .where(
            WrongAnswer.user_id == user.id,
            WrongAnswer.cleared_at.is_not(None) if cleared else WrongAnswer.cleared_at.is_(None),
            Question.is_retired.is_(False),
        )
        .order_by(WrongAnswer.last_wrong_at.desc(), WrongAnswer.id.desc())
    )
    if category is not None:
        query = query.where(_in_category(category))
    return [
        NotebookEntry(entry, version, in_category, correct_answer_text(version))
        for entry, version, in_category in db.session.execute(query)
    ]


def categories_with_open_entries(user: User) -> list[QuestionCategory]:
    """The categories of a member's open entries, for the notebook's filter."""
    return list(
        db.session.scalars(
            select(QuestionCategory)
            .join(Question, Question.category_id == QuestionCategory.id)
            .join(WrongAnswer, WrongAnswer.question_id == Question.id)
            .where(WrongAnswer.user_id == user.id, WrongAnswer.cleared_at.is_(None))
            .distinct()
            .order_by(QuestionCategory.path)
        )
    )


def question_ids_to_practise(user: User, category: QuestionCategory | None = None) -> list[int]:
    """The newest open entries (up to 20) for a notebook session."""
    open_ids = [shown.entry.question_id for shown in entries(user, category=category)]
    if not open_ids:
        raise ConflictError(_("Your wrong-answer notebook has nothing to practise."), code="empty")
    return open_ids[:NOTEBOOK_SESSION_SIZE]
