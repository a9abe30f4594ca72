"""Building competitions and taking their rounds for the competitions tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from competitions.models import Competition
from competitions.services import authoring
from competitions.services.authoring import CompetitionSettings
from lms.accounts.models import OrgUnit, User
from lms.core.clock import utcnow
from quizzes.models import Attempt, Quiz
from quizzes.services import answers, attempts
from quizzes.services.presentation import attempt_view
from tests.factories import OrgUnitFactory, UserFactory
from tests.quiz_factories import make_bank, make_quiz, right_answer

AUTO_GRADED = ("single_choice", "true_false")  # two questions of 2 marks: 4 marks a round


def auto_quiz(**settings: Any) -> Quiz:
    return make_quiz(make_bank(types=AUTO_GRADED), **settings)


def settings(**overrides: Any) -> CompetitionSettings:
    """A competition that opened registration an hour ago and runs for the next two hours."""
    now = utcnow()
    values: dict[str, Any] = {
        "title": "Safety contest",
        "registration_opens_at": now - timedelta(hours=1),
        "starts_at": now,
        "ends_at": now + timedelta(hours=2),
        "min_participants": 0,
    }
    values.update(overrides)
    return CompetitionSettings(**values)


def running(quizzes: list[Quiz] | None = None, **overrides: Any) -> Competition:
    competition = authoring.create_competition(
        settings(**overrides), quizzes or [auto_quiz()], created_by=None
    )
    authoring.set_published(competition, True)
    return competition


def tree() -> dict[str, OrgUnit]:
    """Org > North (> North/One, North/Two), South."""
    org = OrgUnitFactory(name="Org")
    north = OrgUnitFactory(name="North", parent=org)
    return {
        "org": org,
        "north": north,
        "south": OrgUnitFactory(name="South", parent=org),
        "north_one": OrgUnitFactory(name="One", parent=north),
        "north_two": OrgUnitFactory(name="Two", parent=north),
    }


def person(unit: OrgUnit | None = None, **kwargs: Any) -> User:
    return UserFactory(unit=unit, **kwargs) if unit is not None else UserFactory(**kwargs)


def take(user: User, quiz: Quiz, *, right: int, clock: Any = None, seconds: int = 0) -> Attempt:
    """Start the quiz, answer its first ``right`` items right (the rest wrong or empty),
    let ``seconds`` pass on the frozen clock and submit."""
    attempt = attempts.start(user, quiz)
    view = attempt_view(attempt, user)
    for number, item in enumerate(view["items"][:right], start=1):
        answers.save_answer(attempt, item["slot"], right_answer(item), number)
    if clock is not None and seconds:
        clock.advance(seconds=seconds)
    attempts.submit(attempt)
    return attempt
