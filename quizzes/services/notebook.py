"""The wrong-answer notebook (错题本): every question a member got wrong stays in it, with its
explanation, until they answer it right twice in a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
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
from quizzes.models import Attempt, AttemptItem, State, WrongAnswer
from quizzes.services.grading import RIGHT_FRACTION, is_correct

RIGHT_TIMES_TO_CLEAR = 2


def answered(response: Any) -> bool:
    """Whether the member gave an answer at all: a skipped question is no wrong answer."""
    if isinstance(response, str):
        return bool(response.strip())
    if isinstance(response, list):
        return any(answered(part) for part in response)
    if isinstance(response, dict):
        return bool(response)
    return response is not None


def record_attempt(attempt: Attempt) -> None:
    """Note the wrong answers of a graded attempt and count its right answers toward mastery.

    Only answers given count (a skipped question is ignored), in the order they were given, so
    an attempt handed in late (or closed hours later at its deadline) never undoes what came
    after its answers:
    a wrong answer resets the streak only when it is the newest one, and it starts with the
    right answers given since in any attempt (quiz, practice, daily quiz, notebook). At most
    three statements and no entry read: the right answers given to the questions answered wrong,
    an upsert for those questions, and an update of the streaks of the ones answered right."""
    wrong: dict[int, dict[str, Any]] = {}
    right: dict[int, datetime] = {}
    now = utcnow()
    for item in attempt.items:
        verdict = is_correct(item)
        if verdict is None or not answered(item.response):
            continue
        question_id = item.version.question_id
        given_at = item.saved_at or now
        if verdict:
            right[question_id] = given_at
            continue
        row = wrong.setdefault(
            question_id,
            {
                "user_id": attempt.user_id,
                "question_id": question_id,
                "wrong_count": 0,
                "right_streak": 0,
                "last_wrong_at": given_at,
                "cleared_at": None,
            },
        )
        row.update(
            wrong_count=row["wrong_count"] + 1,
            question_version_id=item.question_version_id,
            last_wrong_at=max(row["last_wrong_at"], given_at),
        )
    connection = db.session.connection()  # statements of the table: no ORM bulk machinery
    if wrong:
        _count_rights_since(connection, attempt.user_id, wrong, now)
        connection.execute(built_once(db.session, _noting_wrong), list(wrong.values()))
    rights = [
        {"user": attempt.user_id, "question": question_id, "at": at, "now": now}
        for question_id, at in right.items()
        if question_id not in wrong
    ]
    if rights:
        connection.execute(built_once(db.session, _counting_right), rights)
    for instance in list(db.session.identity_map.values()):  # entries read earlier are stale
        if isinstance(instance, WrongAnswer):
            db.session.expire(instance)


def _count_rights_since(
    connection: Any, user_id: int, wrong: dict[int, dict[str, Any]], now: datetime
) -> None:
    """Start each wrong answer's streak with the right answers given after it elsewhere."""
    given = connection.execute(
        built_once(db.session, _rights_given),
        {"user": user_id, "questions": sorted(wrong), "finished": State.FINISHED.value},
    )
    for question_id, given_at in given:
        row = wrong[question_id]
        if given_at is not None and _aware(given_at) >= row["last_wrong_at"]:
            row["right_streak"] = min(row["right_streak"] + 1, RIGHT_TIMES_TO_CLEAR)
    for row in wrong.values():
        if row["right_streak"] >= RIGHT_TIMES_TO_CLEAR:
            row["cleared_at"] = now


def _aware(moment: datetime) -> datetime:
    """A time read as a plain row (SQLite gives it naive) as an aware UTC time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_TABLE = WrongAnswer.__table__
_ITEMS = AttemptItem.__table__
_ATTEMPTS = Attempt.__table__
_VERSIONS = QuestionVersion.__table__


def _rights_given(_upsert: Any) -> Any:
    return (
        select(_VERSIONS.c.question_id, _ITEMS.c.saved_at)
        .select_from(_ITEMS)
        .join(_ATTEMPTS, _ATTEMPTS.c.id == _ITEMS.c.attempt_id)
        .join(_VERSIONS, _VERSIONS.c.id == _ITEMS.c.question_version_id)
        .where(
            _ATTEMPTS.c.user_id == bindparam("user"),
            _ATTEMPTS.c.state == bindparam("finished"),
            _ITEMS.c.fraction >= RIGHT_FRACTION,
            _VERSIONS.c.question_id.in_(bindparam("questions", expanding=True)),
        )
    )


def _noting_wrong(upsert: Any) -> Any:
    noted = upsert(_TABLE)
    newest = noted.excluded.last_wrong_at >= _TABLE.c.last_wrong_at
    return noted.on_conflict_do_update(
        index_elements=[_TABLE.c.user_id, _TABLE.c.question_id],
        set_={
            "wrong_count": _TABLE.c.wrong_count + noted.excluded.wrong_count,
            "right_streak": case(
                (newest, noted.excluded.right_streak), else_=_TABLE.c.right_streak
            ),
            "cleared_at": case((newest, noted.excluded.cleared_at), else_=_TABLE.c.cleared_at),
            "last_wrong_at": case(
                (newest, noted.excluded.last_wrong_at), else_=_TABLE.c.last_wrong_at
            ),
            "question_version_id": case(
                (newest, noted.excluded.question_version_id),
                else_=_TABLE.c.question_version_id,
            ),
        },
    )


def _counting_right(_upsert: Any) -> Any:
    streak = _TABLE.c.right_streak + 1
    return (
        update(_TABLE)
        .where(
            _TABLE.c.user_id == bindparam("user"),
            _TABLE.c.question_id == bindparam("question"),
            _TABLE.c.cleared_at.is_(None),
            _TABLE.c.last_wrong_at <= bindparam("at"),
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
