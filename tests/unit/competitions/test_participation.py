"""The competition page's one next step for a member, through a competition's life."""

from __future__ import annotations

from datetime import timedelta

from competitions.models import Stage
from competitions.services import participation, registration, stages
from competitions.services.participation import Next
from lms.core.clock import utcnow
from quizzes.services import attempts
from tests.unit.competitions.helpers import auto_quiz, person, running, take


def _next(member, competition) -> tuple[Next, int | None]:
    stage = stages.stage_of(competition)
    registered = registration.is_registered(member, competition)
    steps = participation.round_steps(member, competition)
    action = participation.next_action(
        stage,
        registered=registered,
        may_register=not registered and stage in (Stage.REGISTRATION, Stage.RUNNING),
        steps=steps,
    )
    return action.kind, action.step.number if action.step else None


def test_the_next_step_follows_the_member_through_the_rounds(db, clock):
    first, second = auto_quiz(title="One"), auto_quiz(title="Two")
    competition = running(
        [first, second],
        starts_at=utcnow() + timedelta(hours=1),
        ends_at=utcnow() + timedelta(days=2),
    )
    member = person()
    assert _next(member, competition) == (Next.REGISTER, None)
    registration.register(member, competition)
    assert _next(member, competition) == (Next.WAIT, None)

    clock.advance(hours=1)
    assert _next(member, competition) == (Next.START, 1)
    started = attempts.start(member, first)
    assert _next(member, competition) == (Next.CONTINUE, 1)
    attempts.submit(started)
    assert _next(member, competition) == (Next.START, 2)
    take(member, second, right=1)
    assert _next(member, competition) == (Next.DONE, None)
    steps = participation.round_steps(member, competition)
    assert [(s.number, s.taken) for s in steps] == [(1, True), (2, True)]

    clock.advance(days=2)
    assert _next(member, competition) == (Next.RESULTS, None)
    assert _next(person(), competition) == (Next.RESULTS, None)


def test_a_round_left_past_its_time_is_not_offered_to_continue(db, clock):
    quiz = auto_quiz(time_limit_seconds=60, grace_seconds=0)
    competition = running([quiz])
    member = person()
    registration.register(member, competition)
    attempts.start(member, quiz)
    clock.advance(minutes=5)
    kind, _number = _next(member, competition)
    assert kind == Next.DONE  # the attempt is over; it is graded when next read
