"""Starting, answering, submitting and finalising attempts; the server is the only clock.

Answers are saved one slot at a time with a sequence number (an idempotent PUT): a save only
wins over a lower sequence, so a stale or repeated save never overwrites a newer one. An
attempt is finished once, whoever finishes it (the member, the deadline, the server's sweep).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from courses.services.progress import complete_elsewhere
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, NotFoundError
from lms.core.extensions import db
from question_bank.models import QuestionVersion
from quizzes.models import Attempt, AttemptItem, Feedback, Mode, Quiz, State
from quizzes.permissions import can_see_attempt, can_take_quiz
from quizzes.services import drawing, grading, notebook, responses, timing
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
    quiz = db.session.get(Quiz, quiz_id)
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
    if not can_take_quiz(user, quiz):
        raise NotFoundError(_("This quiz does not exist."))
    current = in_progress(user, quiz)
    if current is not None and not finalise_if_overdue(current):
        return current
    now = utcnow()
    if not timing.is_open(quiz, now):
        raise ConflictError(_("This quiz is not open now."), code="quiz_closed")
    used = db.session.scalar(
        select(func.count())
        .select_from(Attempt)
        .where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)
    )
    if attempts_left(quiz, used) == 0:
        current = in_progress(user, quiz)  # another request of this member just started one
        if current is not None:
            return current
        raise ConflictError(_("You have used all your attempts at this quiz."), code="no_attempts")
    for guard in START_GUARDS:
        guard(user, quiz)
    seed = drawing.new_seed()
    drawn = drawing.draw_quiz(quiz, seed)
    attempt = Attempt(
        quiz_id=quiz.id,
        user_id=user.id,
        mode=Mode.QUIZ,
        number=used + 1,
        seed=seed,
        started_at=now,
        deadline_at=timing.deadline_for(quiz, now),
        grace_seconds=quiz.grace_seconds,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # Another request of the same member started one first: resume that one.
        current = in_progress(user, quiz)
        if current is not None:
            return current
        raise ConflictError(
            _("You have used all your attempts at this quiz."), code="no_attempts"
        ) from None
    _add_items(attempt, drawn)
    return attempt


def start_session(
    user: User, question_ids: list[int], *, mode: Mode, daily_on: Any = None
) -> Attempt:
    """A practice, daily-quiz or notebook session: no quiz, no time limit, immediate feedback."""
    seed = drawing.new_seed()
    drawn = drawing.draw_questions(question_ids, seed)
    if not drawn:
        raise ConflictError(_("There are no questions to practise here yet."), code="empty")
    attempt = Attempt(
        quiz_id=None, user_id=user.id, mode=mode, seed=seed, started_at=utcnow(), daily_on=daily_on
    )
    db.session.add(attempt)
    db.session.flush()
    _add_items(attempt, drawn)
    return attempt


def _add_items(attempt: Attempt, drawn: list[drawing.Drawn]) -> None:
    for slot, entry in enumerate(drawn, start=1):
        db.session.add(
            AttemptItem(
                attempt_id=attempt.id,
                slot=slot,
                quiz_slot_id=entry.quiz_slot_id,
                question_version_id=entry.version.id,
                version=entry.version,
                mark=entry.mark,
                choices=entry.choices,
            )
        )
    attempt.max_score = round(sum(entry.mark for entry in drawn), 4)
    db.session.flush()
    db.session.refresh(attempt, ["items"])


def is_immediate(attempt: Attempt) -> bool:
    return attempt.quiz is None or attempt.quiz.feedback == Feedback.IMMEDIATE


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


def _ensure_open(attempt: Attempt, now: datetime) -> None:
    _refuse_if_closed(attempt, now, lambda: attempt)


def _refuse_if_closed(clock: Any, now: datetime, attempt: Callable[[], Attempt]) -> None:
    """Refuse answers to a finished attempt, or one past its deadline and grace by the server's
    clock; such an attempt is finished as it stood first. ``clock`` has the attempt's state,
    deadline_at and grace_seconds (the Attempt or a row); ``attempt`` gives the Attempt."""
    if clock.state == State.IN_PROGRESS and timing.accepts_answers(clock, now):
        return
    if clock.state == State.IN_PROGRESS:
        finish(attempt(), by="timeout")
    raise ClosedError(_("Time is up: this attempt was submitted and no longer accepts answers."))


def _require_sequence(sequence: Any) -> None:
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise ConflictError(_("“sequence” must be a positive whole number."), code="bad_sequence")


def _stored_answer(item: Any, answer: Any) -> Any:
    """The answer as stored; refused once checked (immediate feedback) or when not valid."""
    if item.checked_at is not None:
        raise ConflictError(_("This answer was checked and can no longer change."), code="checked")
    return responses.from_client(item, answer)


_attempts = Attempt.__table__
_items = AttemptItem.__table__
_versions = QuestionVersion.__table__

# What a save needs, in one statement: the attempt's owner and clock, the slot's item and its
# question's type (no ORM objects). No lock here: the write below takes it.
_SLOT_FOR_SAVE = (
    select(
        _attempts.c.user_id,
        _attempts.c.state,
        _attempts.c.deadline_at,
        _attempts.c.grace_seconds,
        _items.c.id.label("item_id"),
        _items.c.choices,
        _items.c.checked_at,
        _versions.c.type,
        _versions.c.definition,
    )
    .select_from(
        _attempts.outerjoin(
            _items,
            and_(_items.c.attempt_id == _attempts.c.id, _items.c.slot == bindparam("at_slot")),
        ).outerjoin(_versions, _versions.c.id == _items.c.question_version_id)
    )
    .where(_attempts.c.id == bindparam("of_attempt"))
)

# The conditional write: only over a lower sequence, and only while the attempt is in
# progress. The subquery holds the attempt row shared until the commit (PostgreSQL; SQLite's
# write lock already serialises), so a submit cannot finish it between the check and the write,
# and a save that waited for a submit sees the finished state and writes nothing.
_WRITE_ANSWER = (
    update(_items)
    .where(
        _items.c.id == bindparam("of_item"),
        _items.c.sequence < bindparam("new_sequence"),
        select(_attempts.c.id)
        .where(_attempts.c.id == bindparam("of_attempt"), _attempts.c.state == State.IN_PROGRESS)
        .with_for_update(read=True)
        .exists(),
    )
    .values(
        response=bindparam("stored", type_=_items.c.response.type),
        sequence=bindparam("new_sequence"),
        saved_at=bindparam("now", type_=_items.c.saved_at.type),
    )
)

_STORED_ANSWER = (
    select(_items.c.response, _items.c.sequence, _items.c.saved_at, _attempts.c.state)
    .join(_attempts, _attempts.c.id == _items.c.attempt_id)
    .where(_items.c.id == bindparam("of_item"))
)


def _write_answer(attempt_id: int, item_id: int, sequence: int, stored: Any, now: datetime) -> Any:
    """Store the answer unless a save with the same or a higher sequence won. Returns the
    stored (response, sequence, saved_at) after the write; ClosedError when the attempt was
    finished meanwhile (a racing submit)."""
    written = db.session.execute(
        _WRITE_ANSWER,
        {
            "of_item": item_id,
            "new_sequence": sequence,
            "of_attempt": attempt_id,
            "stored": stored,
            "now": now,
        },
    ).rowcount
    if written:
        return stored, sequence, now
    current = db.session.execute(_STORED_ANSWER, {"of_item": item_id}).one()
    if current.state != State.IN_PROGRESS:
        raise ClosedError(
            _("Time is up: this attempt was submitted and no longer accepts answers.")
        )
    return current.response, current.sequence, current.saved_at


def save_answer(attempt: Attempt, slot: int, answer: Any, sequence: int) -> AttemptItem:
    """Store the answer of one slot unless a save with the same or a higher sequence won."""
    _require_sequence(sequence)
    now = utcnow()
    item = item_at(attempt, slot)
    _ensure_open(attempt, now)
    stored = _stored_answer(item, answer)
    values = _write_answer(attempt.id, item.id, sequence, stored, now)
    for name, value in zip(("response", "sequence", "saved_at"), values, strict=True):
        set_committed_value(item, name, value)
    return item


@dataclass(frozen=True, slots=True)
class _Version:
    type: str
    definition: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AnswerSlot:
    """What reading and showing an answer needs of an item (``responses`` takes it for one)."""

    id: int
    slot: int
    choices: dict[str, Any]
    checked_at: datetime | None
    version: _Version


@dataclass(frozen=True, slots=True)
class SavedAnswer:
    item: AnswerSlot
    response: Any
    sequence: int
    saved_at: datetime | None


def save_own_answer(
    user_id: int, attempt_id: int, slot: int, answer: Any, sequence: int
) -> SavedAnswer:
    """:func:`save_answer` for the member's own attempt, by id and without ORM objects (the
    API's hot path: one read and one write). Anyone else's attempt is a 404."""
    _require_sequence(sequence)
    now = utcnow()
    row = db.session.execute(_SLOT_FOR_SAVE, {"of_attempt": attempt_id, "at_slot": slot}).first()
    if row is None or row.user_id != user_id:
        raise NotFoundError(_("This attempt does not exist."))
    if row.item_id is None:
        raise NotFoundError(_("This question is not part of the attempt."))
    _refuse_if_closed(row, now, lambda: load_attempt(attempt_id))
    item = AnswerSlot(
        id=row.item_id,
        slot=slot,
        choices=row.choices,
        checked_at=row.checked_at,
        version=_Version(type=row.type, definition=row.definition),
    )
    stored = _stored_answer(item, answer)
    response, saved_sequence, saved_at = _write_answer(attempt_id, item.id, sequence, stored, now)
    return SavedAnswer(item=item, response=response, sequence=saved_sequence, saved_at=saved_at)


def set_flag(attempt: Attempt, slot: int, flagged: bool) -> AttemptItem:
    item = item_at(attempt, slot)
    _ensure_open(attempt, utcnow())
    item.is_flagged = flagged
    db.session.flush()
    return item


def check(attempt: Attempt, slot: int) -> AttemptItem:
    """Immediate feedback: grade one answer now; it can no longer change."""
    if not is_immediate(attempt):
        raise ConflictError(_("Answers are marked when the attempt is submitted."), code="deferred")
    item = item_at(attempt, slot)
    _ensure_open(attempt, utcnow())
    if item.checked_at is None:
        item.checked_at = utcnow()
        grading.grade_item(item)
        db.session.flush()
    return item


def submit(attempt: Attempt) -> Attempt:
    """The member hands in; a second submit (or one racing the deadline) changes nothing."""
    if attempt.state == State.IN_PROGRESS and not timing.accepts_answers(attempt):
        finish(attempt, by="timeout")
    elif attempt.state == State.IN_PROGRESS:
        finish(attempt, by="member")
    return attempt


def finish(attempt: Attempt, *, by: str) -> bool:
    """Finish and grade the attempt once. False when another request finished it first."""
    now = utcnow()
    at = now
    if by == "timeout" and attempt.deadline_at is not None:
        at = min(now, attempt.deadline_at)
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == State.IN_PROGRESS)
        .values(state=State.FINISHED, submitted_at=at, finished_by=by)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if claimed != 1:
        return False
    attempt.time_used_seconds = max(0, int((at - attempt.started_at).total_seconds()))
    grading.grade_attempt(attempt)
    db.session.flush()
    _after_grading(attempt)
    return True


def _after_grading(attempt: Attempt) -> None:
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
