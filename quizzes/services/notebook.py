"""The wrong-answer notebook (错题本): every question a member got wrong stays in it, with its
explanation, until they answer it right twice in a row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, or_, select, update

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.db import built_once
from lms.core.errors import ConflictError
from lms.core.extensions import db
from question_bank.models import Question, QuestionCategory, QuestionVersion
from question_bank.render import correct_answer_text
from quizzes.models import Attempt, WrongAnswer
from quizzes.services.grading import is_correct

RIGHT_TIMES_TO_CLEAR = 2


def record_attempt(attempt: Attempt) -> None:
    """Note wrong answers of a graded attempt and count right answers of noted questions.

    Two statements and no rows read: an upsert for the questions answered wrong (a wrong
    answer resets the streak, even when the same question was also answered right), and an
    update of the streak of open entries for the questions answered right."""
    wrong: dict[int, dict[str, Any]] = {}
    right: set[int] = set()
    now = utcnow()
    for item in attempt.items:
        verdict = is_correct(item)
        if verdict is None:
            continue
        question_id = item.version.question_id
        if verdict:
            right.add(question_id)
            continue
        row = wrong.setdefault(
            question_id,
            {
                "user_id": attempt.user_id,
                "question_id": question_id,
                "wrong_count": 0,
                "right_streak": 0,
                "last_wrong_at": now,
                "cleared_at": None,
            },
        )
        row.update(wrong_count=row["wrong_count"] + 1, question_version_id=item.question_version_id)
    connection = db.session.connection()  # statements of the table: no ORM bulk machinery
    if wrong:
        connection.execute(built_once(db.session, _noting_wrong), list(wrong.values()))
    if right - wrong.keys():
        connection.execute(
            built_once(db.session, _counting_right),
            {"user": attempt.user_id, "questions": sorted(right - wrong.keys()), "now": now},
        )
    for instance in list(db.session.identity_map.values()):  # entries read earlier are stale
        if isinstance(instance, WrongAnswer):
            db.session.expire(instance)


_TABLE = WrongAnswer.__table__


def _noting_wrong(upsert: Any) -> Any:
    noted = upsert(_TABLE)
    return noted.on_conflict_do_update(
        index_elements=[_TABLE.c.user_id, _TABLE.c.question_id],
        set_={
            "wrong_count": _TABLE.c.wrong_count + noted.excluded.wrong_count,
            "right_streak": 0,
            "cleared_at": None,
            "last_wrong_at": noted.excluded.last_wrong_at,
            "question_version_id": noted.excluded.question_version_id,
        },
    )


def _counting_right(_upsert: Any) -> Any:
    streak = _TABLE.c.right_streak + 1
    return (
        update(_TABLE)
        .where(
            _TABLE.c.user_id == bindparam("user"),
            _TABLE.c.question_id.in_(bindparam("questions", expanding=True)),
            _TABLE.c.cleared_at.is_(None),
        )
        .values(
            right_streak=streak,
            cleared_at=case((streak >= RIGHT_TIMES_TO_CLEAR, bindparam("now")), else_=None),
        )
    )


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
