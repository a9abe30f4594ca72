"""Answering an attempt: saving one slot at a time with a sequence number (an idempotent PUT,
so a stale or repeated save never overwrites a newer one), flags, and immediate checks. Every
write first makes sure the attempt still accepts answers by the server's clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from lms.core.clock import utcnow
from lms.core.db import execute_alone
from lms.core.errors import ConflictError, NotFoundError
from lms.core.extensions import db
from question_bank.models import QuestionVersion
from quizzes.models import Attempt, AttemptItem, State
from quizzes.services import grading, responses, timing
from quizzes.services.attempts import ClosedError, finish, item_at, load_attempt
from quizzes.services.review import is_immediate


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

# What a save needs, in one statement: the attempt's owner and clock, and every slot's item with
# its question's type (no ORM objects), so the other slots' later saves can be remembered writes.
# No lock here: the write below takes it.
_SLOTS_FOR_SAVE = (
    select(
        _attempts.c.user_id,
        _attempts.c.state,
        _attempts.c.deadline_at,
        _attempts.c.grace_seconds,
        _items.c.id.label("item_id"),
        _items.c.slot,
        _items.c.choices,
        _items.c.checked_at,
        _versions.c.type,
        _versions.c.definition,
    )
    .select_from(
        _attempts.outerjoin(_items, _items.c.attempt_id == _attempts.c.id).outerjoin(
            _versions, _versions.c.id == _items.c.question_version_id
        )
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
        _items.c.attempt_id == bindparam("of_attempt"),
        _items.c.sequence < bindparam("new_sequence"),
        _items.c.checked_at.is_(None),
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
    API's hot path). Anyone else's attempt is a 404.

    What a slot needs that never changes (its owner, deadline, item, option tokens, question
    type) is remembered per process after the first save, so a later save is the conditional
    write alone; on PostgreSQL that write runs by itself, one round trip, when the request has
    not begun a transaction. Anything the write refuses (stale, closed, checked) goes the full
    way, which reads the truth."""
    _require_sequence(sequence)
    now = utcnow()
    known = _slot_facts.get((attempt_id, slot))
    if known is not None and known.user_id == user_id and timing.accepts_answers(known, now):
        stored = _stored_answer(known.item, answer)
        if _write_alone(attempt_id, known.item.id, sequence, stored, now):
            return SavedAnswer(item=known.item, response=stored, sequence=sequence, saved_at=now)
    rows = db.session.execute(_SLOTS_FOR_SAVE, {"of_attempt": attempt_id}).all()
    if not rows or rows[0].user_id != user_id:
        raise NotFoundError(_("This attempt does not exist."))
    _refuse_if_closed(rows[0], now, lambda: load_attempt(attempt_id))
    slots = {
        row.slot: AnswerSlot(
            id=row.item_id,
            slot=row.slot,
            choices=row.choices,
            checked_at=row.checked_at,
            version=_Version(type=row.type, definition=row.definition),
        )
        for row in rows
        if row.item_id is not None
    }
    first = rows[0]
    _remember(
        attempt_id,
        [_SlotFacts(user_id, first.deadline_at, first.grace_seconds, s) for s in slots.values()],
    )
    item = slots.get(slot)
    if item is None:
        raise NotFoundError(_("This question is not part of the attempt."))
    stored = _stored_answer(item, answer)
    response, saved_sequence, saved_at = _write_answer(attempt_id, item.id, sequence, stored, now)
    return SavedAnswer(item=item, response=response, sequence=saved_sequence, saved_at=saved_at)


@dataclass(frozen=True, slots=True)
class _SlotFacts:
    """What stays true of an attempt's slot while it is answered (``timing`` reads the clock
    fields; the state is checked by the write itself)."""

    user_id: int
    deadline_at: datetime | None
    grace_seconds: int
    item: AnswerSlot
    state: str = State.IN_PROGRESS


_FACTS_LIMIT = 50_000
_slot_facts: dict[tuple[int, int], _SlotFacts] = {}
_facts_lock = threading.Lock()


def _remember(attempt_id: int, slots: list[_SlotFacts]) -> None:
    """Remember the slots not checked yet (a checked one refuses every save anyway)."""
    with _facts_lock:
        if len(_slot_facts) + len(slots) > _FACTS_LIMIT:
            _slot_facts.clear()
        for facts in slots:
            if facts.item.checked_at is None:
                _slot_facts[(attempt_id, facts.item.slot)] = facts


def slots_to_remember(attempt: Attempt) -> tuple[int, list[_SlotFacts]]:
    """What to remember of a just-started (or resumed) attempt once its transaction commits
    (:func:`remember_slots`), so its saves in this process are the write alone from the first.
    Read while the attempt, its items and their versions are loaded."""
    if attempt.state != State.IN_PROGRESS or "items" not in attempt.__dict__:
        return attempt.id, []
    return attempt.id, [
        _SlotFacts(
            attempt.user_id,
            attempt.deadline_at,
            attempt.grace_seconds,
            AnswerSlot(
                id=item.id,
                slot=item.slot,
                choices=item.choices,
                checked_at=item.checked_at,
                version=_Version(type=item.version.type, definition=item.version.definition),
            ),
        )
        for item in attempt.items
    ]


def remember_slots(pending: tuple[int, list[_SlotFacts]]) -> None:
    """Remember what :func:`slots_to_remember` read, after the commit (ids of a rolled-back
    attempt could come back on SQLite)."""
    _remember(*pending)


def forget_slots() -> None:
    """Drop every remembered slot (tests empty the tables, so ids come back)."""
    with _facts_lock:
        _slot_facts.clear()


def _write_alone(attempt_id: int, item_id: int, sequence: int, stored: Any, now: datetime) -> bool:
    """The conditional write; True when it stored the answer."""
    parameters = {
        "of_item": item_id,
        "new_sequence": sequence,
        "of_attempt": attempt_id,
        "stored": stored,
        "now": now,
    }
    return execute_alone(db.session(), _WRITE_ANSWER, parameters, lambda r: r.rowcount == 1)


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
