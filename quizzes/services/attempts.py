"""Starting, submitting and finalising attempts; the server is the only clock. An attempt is
finished once, whoever finishes it (the member, the deadline, the server's sweep). Answering
is in ``quizzes.services.answers``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.orm import joinedload, lazyload, make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from courses.services.progress import complete_elsewhere
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.db import built_once, store_values
from lms.core.errors import ConflictError, NotFoundError
from lms.core.extensions import db
from quizzes.models import Attempt, AttemptItem, Mode, Quiz, State
from quizzes.permissions import can_see_attempt, can_take_quiz
from quizzes.services import drawing, grading, notebook, timing
from quizzes.services.owners import held_until
from quizzes.signals import attempt_graded

# Packages above quizzes may refuse a start (a competition round needs a registration): each
# guard raises a DomainError to refuse. Registered once, at import, by the package that owns it.
START_GUARDS: list[Callable[[User, Quiz], None]] = []


class ClosedError(ConflictError):
    """The attempt no longer accepts answers (finished, or past its deadline and grace)."""

    code = "attempt_closed"


def load_attempt(attempt_id: int, *, with_items: bool = True) -> Attempt | None:
    """The attempt with its quiz; with its items too unless a caller needs only one of them
    (saving an answer reads one item, not twenty)."""
    query = select(Attempt).where(Attempt.id == attempt_id).options(joinedload(Attempt.quiz))
    if with_items:
        query = query.options(selectinload(Attempt.items))
    return db.session.scalar(query)


def attempt_for(user: User, attempt_id: int, *, with_items: bool = True) -> Attempt:
    """The attempt if ``user`` may see it, finalised first when its time ran out; else 404."""
    attempt = load_attempt(attempt_id, with_items=with_items)
    if attempt is None or not can_see_attempt(user, attempt):
        raise NotFoundError(_("This attempt does not exist."))
    finalise_if_overdue(attempt)
    return attempt


def quiz_for(user: User, quiz_id: int) -> Quiz:
    quiz = db.session.get(Quiz, quiz_id, options=[joinedload(Quiz.units)])
    if quiz is None or not can_take_quiz(user, quiz):
        raise NotFoundError(_("This quiz does not exist."))
    return quiz


def attempts_of(user: User, quiz: Quiz) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)
            .order_by(Attempt.number)
        )
    )


def in_progress(user: User, quiz: Quiz) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == user.id,
            Attempt.state == State.IN_PROGRESS,
        )
    )


def attempts_left(quiz: Quiz, used: int) -> int | None:
    return None if quiz.max_attempts is None else max(0, quiz.max_attempts - used)


def start(user: User, quiz: Quiz) -> Attempt:
    """Resume the member's attempt in progress, or start a new one when the rules allow."""
    return start_or_resume(user, quiz)[0]


def start_or_resume(user: User, quiz: Quiz) -> tuple[Attempt, bool]:
    """Like ``start``; also says whether the attempt was already in progress (resumed)."""
    if not can_take_quiz(user, quiz):
        raise NotFoundError(_("This quiz does not exist."))
    earlier = attempts_of(user, quiz)
    current = next((a for a in earlier if a.state == State.IN_PROGRESS), None)
    if current is not None and not finalise_if_overdue(current):
        return current, True
    now = utcnow()
    if not timing.is_open(quiz, now):
        raise ConflictError(_("This quiz is not open now."), code="quiz_closed")
    used = len(earlier)
    if attempts_left(quiz, used) == 0:
        current = in_progress(user, quiz)  # another request of this member just started one
        if current is not None:
            return current, True
        raise ConflictError(_("You have used all your attempts at this quiz."), code="no_attempts")
    for guard in START_GUARDS:
        guard(user, quiz)
    seed = drawing.new_seed()
    drawn = drawing.draw_quiz(quiz, seed)
    attempt = _insert_attempt(
        quiz_id=quiz.id,
        user_id=user.id,
        mode=Mode.QUIZ,
        number=used + 1,
        seed=seed,
        started_at=now,
        deadline_at=timing.deadline_for(quiz, now),
        grace_seconds=quiz.grace_seconds,
        max_score=_max_score(drawn),
    )
    if attempt is None:
        # Another request of the same member started one first: resume that one.
        current = in_progress(user, quiz)
        if current is not None:
            return current, True
        raise ConflictError(_("You have used all your attempts at this quiz."), code="no_attempts")
    _add_items(attempt, drawn)
    return attempt, False


def _insert_attempt(**values: Any) -> Attempt | None:
    """Insert a new attempt unless it breaks a uniqueness rule (one in progress per member and
    quiz, unique attempt numbers): None then, and nothing else in the transaction is undone, so
    no savepoint is needed. The attempt joins the session as loaded, without another read."""
    columns = {
        "state": State.IN_PROGRESS,
        "submitted_at": None,
        "finished_by": None,
        "time_used_seconds": None,
        "score": None,
        "needs_grading": False,
        "daily_on": None,
        **values,
    }
    new_id = db.session.execute(built_once(db.session, _inserting), columns).scalar_one_or_none()
    if new_id is None:
        return None
    attempt = Attempt(id=new_id, **columns)
    make_transient_to_detached(attempt)
    db.session.add(attempt)
    return attempt


def _inserting(upsert: Any) -> Any:
    return upsert(Attempt).on_conflict_do_nothing().returning(Attempt.id)


def start_session(
    user: User, question_ids: list[int], *, mode: Mode, daily_on: Any = None
) -> Attempt:
    """A practice, daily-quiz or notebook session: no quiz, no time limit, immediate feedback."""
    seed = drawing.new_seed()
    drawn = drawing.draw_questions(question_ids, seed)
    if not drawn:
        raise ConflictError(_("There are no questions to practise here yet."), code="empty")
    attempt = Attempt(
        quiz_id=None,
        user_id=user.id,
        mode=mode,
        seed=seed,
        started_at=utcnow(),
        daily_on=daily_on,
        max_score=_max_score(drawn),
    )
    db.session.add(attempt)
    db.session.flush()
    _add_items(attempt, drawn)
    return attempt


def _max_score(drawn: list[drawing.Drawn]) -> float:
    return round(sum(entry.mark for entry in drawn), 4)


def _add_items(attempt: Attempt, drawn: list[drawing.Drawn]) -> None:
    """Insert the drawn items in one statement (an ORM flush would send one INSERT per item
    on SQLite) that hands them back as loaded, and give them to the attempt."""
    items = db.session.scalars(
        insert(AttemptItem).returning(AttemptItem, sort_by_parameter_order=True),
        [
            {
                "attempt_id": attempt.id,
                "slot": slot,
                "quiz_slot_id": entry.quiz_slot_id,
                "question_version_id": entry.version.id,
                "mark": entry.mark,
                "choices": entry.choices,
            }
            for slot, entry in enumerate(drawn, start=1)
        ],
    ).all()
    for item, entry in zip(items, drawn, strict=True):
        set_committed_value(item, "version", entry.version)
    set_committed_value(attempt, "items", list(items))


def _fresh_items(attempt_id: int, versions: dict[int, Any] | None) -> list[AttemptItem]:
    """The attempt's items as stored now. Their question versions are immutable: when given
    (loaded already) they are not read again, else they come joined."""
    items = list(
        db.session.scalars(
            select(AttemptItem)
            .where(AttemptItem.attempt_id == attempt_id)
            .order_by(AttemptItem.slot)
            .options(
                lazyload(AttemptItem.version)
                if versions is not None
                else joinedload(AttemptItem.version)
            )
            .execution_options(populate_existing=True)
        )
    )
    for item in items if versions is not None else ():
        if item.question_version_id in versions:
            set_committed_value(item, "version", versions[item.question_version_id])
    return items


def item_at(attempt: Attempt, slot: int) -> AttemptItem:
    if "items" in attempt.__dict__:  # loaded already
        item = next((item for item in attempt.items if item.slot == slot), None)
    else:
        item = db.session.scalar(
            select(AttemptItem).where(
                AttemptItem.attempt_id == attempt.id, AttemptItem.slot == slot
            )
        )
    if item is not None:
        return item
    raise NotFoundError(_("This question is not part of the attempt."))


def submit(attempt: Attempt) -> Attempt:
    """The member hands in; a second submit (or one racing the deadline) changes nothing."""
    if attempt.state == State.IN_PROGRESS and not timing.accepts_answers(attempt):
        finish(attempt, by="timeout")
    elif attempt.state == State.IN_PROGRESS:
        finish(attempt, by="member")
    if "items" not in attempt.__dict__:  # loaded by finish, else read here with their versions
        set_committed_value(attempt, "items", _fresh_items(attempt.id, None))
    return attempt


def finish(attempt: Attempt, *, by: str) -> bool:
    """Finish and grade the attempt once. False when another request finished it first."""
    now = utcnow()
    at = now
    if by == "timeout" and attempt.deadline_at is not None:
        at = min(now, attempt.deadline_at)
    time_used = max(0, int((at - attempt.started_at).total_seconds()))
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == State.IN_PROGRESS)
        .values(state=State.FINISHED, submitted_at=at, finished_by=by, time_used_seconds=time_used)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(attempt)
        return False
    # The claim locks the attempt, so no answer can land after it: read the items again, as a
    # save may have committed between loading them and the claim.
    for name, value in (
        ("state", State.FINISHED),
        ("submitted_at", at),
        ("finished_by", by),
        ("time_used_seconds", time_used),
    ):
        set_committed_value(attempt, name, value)
    versions = (
        {item.question_version_id: item.version for item in attempt.items}
        if "items" in attempt.__dict__
        else None
    )
    set_committed_value(attempt, "items", _fresh_items(attempt.id, versions))
    # Written straight, not flushed: the ORM's unit of work costs more than these two writes.
    grades = [(item, grade) for item in attempt.items if (grade := grading.item_grade(item))]
    store_values(db.session, grades)
    store_values(db.session, [(attempt, grading.totals(attempt.items))])
    _after_grading(attempt)
    return True


def _after_grading(attempt: Attempt) -> None:
    if held_until(attempt.quiz_id) is None:  # the notebook shows answers: none while held
        notebook.record_attempt(attempt)
    quiz = attempt.quiz
    if quiz is not None and quiz.item_id is not None and grading.passed(quiz, attempt):
        complete_elsewhere(attempt.user, quiz.item_id)
    attempt_graded.send(attempt=attempt)
    db.session.flush()


def finalise_if_overdue(attempt: Attempt) -> bool:
    """Grade an attempt abandoned past its deadline and grace. True when it did."""
    if timing.is_overdue(attempt):
        finish(attempt, by="timeout")
        return True
    return False


def close_overdue(now: datetime | None = None, limit: int = 500) -> int:
    """Finalise attempts whose browser never came back (run every minute by the operator)."""
    now = now or utcnow()
    candidates = db.session.scalars(
        select(Attempt)
        .where(Attempt.state == State.IN_PROGRESS, Attempt.deadline_at < now)
        .order_by(Attempt.deadline_at)
        .limit(limit)
    ).all()
    closed = 0
    for attempt in candidates:
        if timing.is_overdue(attempt, now) and finish(attempt, by="timeout"):
            closed += 1
    return closed
