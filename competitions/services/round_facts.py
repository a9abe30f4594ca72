"""Whether a quiz is a competition round, and the few facts of its competition that starting and
scoring an attempt read, from a per-process copy (``lms.core.memo``).

Every start and every graded attempt of any quiz asks this (a START_GUARD, the attempt_graded
receiver); loading the round, its competition, its units and its rounds' quizzes each time was
two statements per member on the hottest path of a competition. The copy is kept under the
"competitions" version stamp (``lms.core.stamps``), which any change to a competition, a round or
a quiz bumps in its transaction: every worker reads the new facts on its next use. Only the
member's registration and attempts are always read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from competitions.models import Competition, CompetitionRound
from lms.core import stamps
from lms.core.extensions import db
from lms.core.memo import ProcessMemo
from quizzes.models import Grading, Quiz

TOPIC = "competitions"  # the version stamp of every competition's, round's and quiz's facts
ROUNDS = "competition_rounds"  # the version stamp of which quizzes are rounds


class RoundUnit(NamedTuple):
    path: str


class RoundQuiz(NamedTuple):
    """What ``grading.counted_attempt`` reads from a round's quiz."""

    id: int
    grading: Grading


@dataclass(frozen=True)
class RoundFacts:
    """A competition as the stage, eligibility and freeze rules and the standings read it."""

    id: int
    title: str
    is_published: bool
    results_published_at: datetime | None
    registration_opens_at: datetime
    starts_at: datetime
    ends_at: datetime
    freeze_minutes: int
    frozen_by_hand_at: datetime | None
    revealed_by_hand_at: datetime | None
    units: tuple[RoundUnit, ...]
    quizzes: tuple[RoundQuiz, ...]  # every round's quiz, in round order


memo: ProcessMemo[RoundFacts | None] = ProcessMemo(keep_none=True, topic=TOPIC)
# Every quiz that is a round, so that a page listing many quizzes asks once, not per quiz.
round_ids: ProcessMemo[frozenset[int]] = ProcessMemo(keep_none=False, topic=ROUNDS, limit=8)


def is_round(quiz_id: int) -> bool:
    """Whether the quiz is a competition round: one query per process after each edit."""
    ids = round_ids.get(
        "all", lambda: frozenset(db.session.scalars(select(CompetitionRound.quiz_id)))
    )
    return quiz_id in ids


def round_facts(quiz_id: int) -> RoundFacts | None:
    """The facts of the competition whose round ``quiz_id`` is (None: it is no round)."""
    return memo.get(quiz_id, lambda: _load(quiz_id))


def _load(quiz_id: int) -> RoundFacts | None:
    round_ = db.session.scalar(
        select(CompetitionRound)
        .where(CompetitionRound.quiz_id == quiz_id)
        .options(
            joinedload(CompetitionRound.competition).selectinload(Competition.units),
            joinedload(CompetitionRound.competition)
            .selectinload(Competition.rounds)
            .joinedload(CompetitionRound.quiz),
        )
    )
    if round_ is None:
        return None
    competition = round_.competition
    return RoundFacts(
        id=competition.id,
        title=competition.title,
        is_published=competition.is_published,
        results_published_at=competition.results_published_at,
        registration_opens_at=competition.registration_opens_at,
        starts_at=competition.starts_at,
        ends_at=competition.ends_at,
        freeze_minutes=competition.freeze_minutes,
        frozen_by_hand_at=competition.frozen_by_hand_at,
        revealed_by_hand_at=competition.revealed_by_hand_at,
        units=tuple(RoundUnit(unit.path) for unit in competition.units),
        quizzes=tuple(RoundQuiz(r.quiz.id, r.quiz.grading) for r in competition.rounds),
    )


def clear() -> None:
    """Forget every quiz (tests empty the tables and ids start again)."""
    memo.forget()
    round_ids.forget()


# Any edit of a competition (its units too), a quiz or the rounds bumps the topic in its
# transaction: every worker's memory of every competition is then stale at once.
stamps.watch(TOPIC, Competition, Quiz)
stamps.watch(TOPIC, CompetitionRound, on_insert=True)
stamps.watch(ROUNDS, CompetitionRound, on_insert=True)
