"""Standings: each participant's Entry, kept up to date one member at a time.

When one of a member's round attempts is graded, only that member's Entry is recomputed from
their own attempts and written to the ranking boards; nobody else's row is touched. Two boards
per competition: the live ``people`` board, and the ``public`` board, which stops changing while
the competition is frozen. :func:`rebuild` recomputes everything from the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, select

from competitions.models import Competition, Entry, Registration
from competitions.services.round_facts import round_facts
from competitions.services.stages import freeze_at, is_frozen
from competitions.signals import standings_changed
from lms.accounts.models import User
from lms.core.db import built_once
from lms.core.extensions import db
from lms.core.ranking import Standing, get_ranking
from quizzes.models import Attempt, Mode, Quiz, State
from quizzes.services.grading import counted_attempt
from quizzes.signals import attempt_graded


def people_key(competition_id: int) -> str:
    """The live board of people."""
    return f"competition:{competition_id}:people"


def public_key(competition_id: int) -> str:
    """The board everyone sees; it stands still while the competition is frozen."""
    return f"competition:{competition_id}:public"


@dataclass(frozen=True)
class Result:
    """A member's standing computed from their counted round attempts."""

    score: float
    max_score: float
    time_used_seconds: int
    submitted_at: datetime
    rounds_done: int


def _submitted(attempt: Attempt) -> datetime:
    return attempt.submitted_at or attempt.deadline_at or attempt.started_at


def compute(
    quizzes: Iterable[Quiz], attempts: list[Attempt], *, before: datetime | None = None
) -> Result | None:
    """Sum the counted attempt of every round (by each quiz's grading method); None when no
    round counts yet. ``before`` ignores attempts submitted from that moment on (the freeze)."""
    if before is not None:
        attempts = [a for a in attempts if _submitted(a) < before]
    by_quiz: dict[int | None, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_quiz[attempt.quiz_id].append(attempt)
    counted = [
        chosen
        for quiz in quizzes
        if (chosen := counted_attempt(quiz, by_quiz.get(quiz.id, []))) is not None
    ]
    if not counted:
        return None
    return Result(
        score=round(sum(a.score or 0.0 for a in counted), 4),
        max_score=round(sum(a.max_score for a in counted), 4),
        time_used_seconds=sum(a.time_used_seconds or 0 for a in counted),
        submitted_at=max(_submitted(a) for a in counted),
        rounds_done=len(counted),
    )


def standing_of(entry: Entry | Result, user_id: int) -> Standing:
    return Standing(
        member_id=user_id,
        score=round(entry.score, 2),  # boards keep hundredths
        time_used_ms=entry.time_used_seconds * 1000,
        finished_at_ms=int(entry.submitted_at.timestamp() * 1000),
    )


def is_ranked(entry: Entry, user: User) -> bool:
    """Disqualified entries and deactivated members are on no board."""
    return entry.disqualified_at is None and bool(user.is_active)


def place_on_boards(competition: Competition, entry: Entry | Result, user_id: int) -> None:
    """Write the entry to the live board, and to the public one unless frozen."""
    ranking = get_ranking()
    standing = standing_of(entry, user_id)
    ranking.record(people_key(competition.id), standing)
    if not is_frozen(competition):
        ranking.record(public_key(competition.id), standing)


def take_off_boards(competition: Competition, user_id: int) -> None:
    ranking = get_ranking()
    ranking.remove(people_key(competition.id), user_id)
    ranking.remove(public_key(competition.id), user_id)


def _round_attempts(competition_id: int, quiz_ids: list[int], user_id: int) -> list[Attempt]:
    """The member's finished round attempts, none unless they registered: rows holding the
    columns :func:`compute` reads, not loaded instances (cheaper, and this runs per submit)."""
    db.session.flush()  # the rows are read straight from the connection
    rows = db.session.connection().execute(
        built_once(db.session, _reading_round_attempts),
        {"competition": competition_id, "quizzes": quiz_ids, "user": user_id},
    )
    return cast(list[Attempt], rows.all())


def _reading_round_attempts(_upsert: Any) -> Any:
    attempts, registrations = Attempt.__table__, Registration.__table__
    registered = select(registrations.c.user_id).where(
        registrations.c.competition_id == bindparam("competition"),
        registrations.c.user_id == bindparam("user"),
    )
    return select(
        *(
            attempts.c[name]
            for name in (
                "quiz_id", "state", "number", "score", "max_score", "time_used_seconds",
                "submitted_at", "deadline_at", "started_at",
            )
        )
    ).where(
        attempts.c.quiz_id.in_(bindparam("quizzes", expanding=True)),
        attempts.c.user_id.in_(registered),
        attempts.c.mode == Mode.QUIZ,
        attempts.c.state == State.FINISHED,
    )  # fmt: skip


def _save(competition: Competition, user: User, result: Result) -> datetime | None:
    """Insert or update the member's entry in one statement (two rounds of the same member
    graded at once both land on the one row); answers when the entry was disqualified. An Entry
    this session read earlier is expired, as the statement bypasses it."""
    disqualified_at = (
        db.session.connection()
        .scalars(
            built_once(db.session, _saving_entry),
            {
                "competition_id": competition.id,
                "user_id": user.id,
                "unit_id": user.unit_id,
                "score": result.score,
                "max_score": result.max_score,
                "time_used_seconds": result.time_used_seconds,
                "submitted_at": result.submitted_at,
                "rounds_done": result.rounds_done,
            },
        )
        .one()
    )
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, Entry):
            db.session.expire(instance)
    return disqualified_at


_RESULT_COLUMNS = (
    "unit_id",
    "score",
    "max_score",
    "time_used_seconds",
    "submitted_at",
    "rounds_done",
)


def _saving_entry(upsert: Any) -> Any:
    entries = Entry.__table__
    saved = upsert(entries)
    return saved.on_conflict_do_update(
        index_elements=[entries.c.competition_id, entries.c.user_id],
        set_={name: saved.excluded[name] for name in _RESULT_COLUMNS},
    ).returning(entries.c.disqualified_at)


def _fill(entry: Entry, user: User, result: Result) -> None:
    entry.unit_id = user.unit_id
    entry.score = result.score
    entry.max_score = result.max_score
    entry.time_used_seconds = result.time_used_seconds
    entry.submitted_at = result.submitted_at
    entry.rounds_done = result.rounds_done


def on_attempt_graded(_sender: Any = None, *, attempt: Attempt, **_extra: Any) -> None:
    """Update the member's entry and boards when one of their round attempts is graded."""
    if attempt.quiz_id is None or attempt.mode != Mode.QUIZ:
        return
    facts = round_facts(attempt.quiz_id)
    if facts is None:
        return
    competition = cast(Competition, facts)  # the freeze and the entry's key read these facts
    quizzes = cast(list[Quiz], facts.quizzes)
    attempts = _round_attempts(competition.id, [q.id for q in quizzes], attempt.user_id)
    result = compute(quizzes, attempts)
    if result is None:  # not registered (no attempts read), or no round counts
        return
    user = attempt.user
    if _save(competition, user, result) is None and user.is_active:  # else on no board
        place_on_boards(competition, result, user.id)
    standings_changed.send(competition_id=competition.id)


attempt_graded.connect(on_attempt_graded)


def rebuild(competition: Competition) -> int:
    """Recompute every entry and both boards from the attempts; answers how many entries."""
    quizzes = [r.quiz for r in competition.rounds]
    registered = select(Registration.user_id).where(Registration.competition_id == competition.id)
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in db.session.scalars(
        select(Attempt).where(
            Attempt.quiz_id.in_([q.id for q in quizzes]),
            Attempt.user_id.in_(registered),
            Attempt.mode == Mode.QUIZ,
            Attempt.state == State.FINISHED,
        )
    ):
        attempts[attempt.user_id].append(attempt)
    users = {
        user.id: user for user in db.session.scalars(select(User).where(User.id.in_(registered)))
    }
    entries = {
        entry.user_id: entry
        for entry in db.session.scalars(select(Entry).where(Entry.competition_id == competition.id))
    }
    cutoff = freeze_at(competition) if is_frozen(competition) else None
    live: list[Standing] = []
    public: list[Standing] = []
    saved = 0
    for user_id, user in users.items():
        result = compute(quizzes, attempts.get(user_id, []))
        entry = entries.pop(user_id, None)
        if result is None:
            if entry is not None and entry.disqualified_at is None:
                db.session.delete(entry)
            continue
        if entry is None:
            entry = Entry(competition_id=competition.id, user_id=user_id)
            db.session.add(entry)
        _fill(entry, user, result)
        saved += 1
        if not is_ranked(entry, user):
            continue
        live.append(standing_of(result, user_id))
        if cutoff is None:
            public.append(live[-1])
        elif (before := compute(quizzes, attempts[user_id], before=cutoff)) is not None:
            public.append(standing_of(before, user_id))
    for orphan in entries.values():  # the member withdrew or was removed
        db.session.delete(orphan)
    db.session.flush()
    ranking = get_ranking()
    ranking.replace_all(people_key(competition.id), live)
    ranking.replace_all(public_key(competition.id), public)
    standings_changed.send(competition_id=competition.id)
    return saved
