"""Where a member stands in a competition, and the one thing the competition page offers them
to do next: register, wait for the start, start or continue a round, see the results and
their certificate."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select

from competitions.models import Competition, Stage
from lms.accounts.models import User
from lms.core.extensions import db
from quizzes.models import Attempt, Quiz, State
from quizzes.services import timing
from quizzes.services.attempts import attempts_left


class Next(enum.StrEnum):
    REGISTER = "register"
    WAIT = "wait"  # registered; the rounds open when the competition starts
    START = "start"
    CONTINUE = "continue"
    DONE = "done"  # every round taken while the competition runs
    RESULTS = "results"  # the competition is over
    NOTHING = "nothing"  # not open to the member (yet), or closed to new participants


@dataclass(frozen=True)
class RoundStep:
    """A round as the member sees it."""

    number: int
    quiz: Quiz
    used: int  # attempts made
    left: int | None  # attempts left (None: unlimited)
    current_attempt_id: int | None  # an attempt in progress

    @property
    def taken(self) -> bool:
        return self.used > 0 and self.current_attempt_id is None


@dataclass(frozen=True)
class Action:
    kind: Next
    step: RoundStep | None = None


def round_steps(user: User, competition: Competition) -> list[RoundStep]:
    """Each round with the member's attempts at it, in one query."""
    quiz_ids = [r.quiz_id for r in competition.rounds]
    mine: dict[int, list[Attempt]] = {quiz_id: [] for quiz_id in quiz_ids}
    if quiz_ids and getattr(user, "id", None) is not None:
        for attempt in db.session.scalars(
            select(Attempt).where(Attempt.user_id == user.id, Attempt.quiz_id.in_(quiz_ids))
        ):
            mine[attempt.quiz_id or 0].append(attempt)
    steps = []
    for number, round_ in enumerate(competition.rounds, start=1):
        tried = mine[round_.quiz_id]
        current = next(
            (a for a in tried if a.state == State.IN_PROGRESS and not timing.is_overdue(a)), None
        )
        steps.append(
            RoundStep(
                number=number,
                quiz=round_.quiz,
                used=len(tried),
                left=attempts_left(round_.quiz, len(tried)),
                current_attempt_id=current.id if current is not None else None,
            )
        )
    return steps


def next_action(
    stage: Stage, *, registered: bool, may_register: bool, steps: list[RoundStep]
) -> Action:
    """The page's primary action for the member."""
    if stage in (Stage.FINISHED, Stage.PUBLISHED):
        return Action(Next.RESULTS)
    if not registered:
        return Action(Next.REGISTER) if may_register else Action(Next.NOTHING)
    if stage != Stage.RUNNING:
        return Action(Next.WAIT)
    going = next((step for step in steps if step.current_attempt_id is not None), None)
    if going is not None:
        return Action(Next.CONTINUE, going)
    todo = next((step for step in steps if step.used == 0), None)
    if todo is not None:
        return Action(Next.START, todo)
    return Action(Next.DONE)
