"""Creating and editing competitions and their rounds.

A round's quiz follows its competition: its window is the competition's window and its
audience the competition's units, so the quiz engine enforces both on every start.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from competitions.models import Competition, CompetitionRound, UnitMetric
from competitions.services import stages, standings
from lms.accounts.models import OrgUnit, User
from lms.core.clock import utcnow
from lms.core.dates import moment_problem
from lms.core.errors import NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.text import text_problem
from quizzes.models import Quiz
from quizzes.services import authoring as quiz_authoring


@dataclass(kw_only=True)
class CompetitionSettings:
    title: str
    registration_opens_at: datetime
    starts_at: datetime
    ends_at: datetime
    rules_md: str = ""
    unit_metric: str = UnitMetric.AVERAGE
    min_participants: int = 3
    unit_depth: int = 2  # segments of OrgUnit.path: 1 the organisation, 2 its branches
    freeze_minutes: int = 0
    certificate_top_n: int = 3
    units: list[OrgUnit] = field(default_factory=list)


def _problems(settings: CompetitionSettings) -> list[str]:
    problems = []
    if not settings.title.strip():
        problems.append(_("Give the competition a title."))
    elif len(settings.title) > 200:
        problems.append(_("The title is too long (at most 200 characters)."))
    elif problem := text_problem(settings.title):
        problems.append(problem)
    moments = (settings.registration_opens_at, settings.starts_at, settings.ends_at)
    if dates_problem := moment_problem(*moments):
        problems.append(dates_problem)
    if settings.registration_opens_at > settings.starts_at:
        problems.append(_("Registration must open before the competition starts."))
    if settings.starts_at >= settings.ends_at:
        problems.append(_("The competition must end after it starts."))
    elif settings.freeze_minutes * 60 >= (settings.ends_at - settings.starts_at).total_seconds():
        problems.append(_("The freeze must be shorter than the competition window."))
    if settings.unit_metric not in set(UnitMetric):
        problems.append(_("Choose a unit metric: average, participation or total."))
    if settings.min_participants < 0:
        problems.append(_("The minimum number of participants cannot be negative."))
    if settings.unit_depth < 1:
        problems.append(_("The unit level must be 1 (the organisation) or deeper."))
    if settings.freeze_minutes < 0:
        problems.append(_("The freeze cannot be negative."))
    if settings.certificate_top_n < 0:
        problems.append(_("The number of certificates for the top places cannot be negative."))
    return problems


def _validate(settings: CompetitionSettings) -> None:
    problems = _problems(settings)
    if problems:
        raise ValidationError(problems[0], problems=problems)


def _apply(competition: Competition, settings: CompetitionSettings) -> None:
    competition.title = settings.title.strip()
    competition.rules_md = settings.rules_md
    competition.registration_opens_at = settings.registration_opens_at
    competition.starts_at = settings.starts_at
    competition.ends_at = settings.ends_at
    competition.unit_metric = UnitMetric(settings.unit_metric)
    competition.min_participants = settings.min_participants
    competition.unit_depth = settings.unit_depth
    competition.freeze_minutes = settings.freeze_minutes
    competition.certificate_top_n = settings.certificate_top_n
    competition.units = list(settings.units)


def create_competition(
    settings: CompetitionSettings, quizzes: list[Quiz], *, created_by: User | None
) -> Competition:
    """A draft competition over ``quizzes`` (its rounds, in order)."""
    _validate(settings)
    if not quizzes:
        raise ValidationError(_("Add at least one round (a quiz)."), field="quiz_ids")
    competition = Competition(created_by_id=created_by.id if created_by else None)
    _apply(competition, settings)
    db.session.add(competition)
    db.session.flush()
    set_rounds(competition, quizzes)
    return competition


def update_competition(competition: Competition, settings: CompetitionSettings) -> None:
    """Apply the settings. When they move the freeze (its length, or the end it counts back
    from) of a competition under way, from or to a moment already passed, both boards are
    rebuilt from the attempts: the public board then stands as it stood at the new freeze."""
    _validate(settings)
    freeze_before = stages.freeze_at(competition)
    _apply(competition, settings)
    _align_quizzes(competition)
    db.session.flush()
    freeze_after, now = stages.freeze_at(competition), utcnow()
    moved = freeze_after != freeze_before
    passed = any(moment is not None and moment <= now for moment in (freeze_before, freeze_after))
    if moved and passed and now >= competition.starts_at:  # else both boards are the live one
        standings.rebuild(competition)


def set_rounds(competition: Competition, quizzes: list[Quiz]) -> None:
    """Make ``quizzes`` the rounds, in this order; a quiz belongs to one competition at most."""
    if not quizzes:
        raise ValidationError(_("Add at least one round (a quiz)."), field="quiz_ids")
    ids = [quiz.id for quiz in quizzes]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("A quiz can be only one round."), field="quiz_ids")
    taken = db.session.scalars(
        select(CompetitionRound).where(
            CompetitionRound.quiz_id.in_(ids),
            CompetitionRound.competition_id != competition.id,
        )
    ).first()
    if taken is not None:
        raise ValidationError(
            _(
                "The quiz “%(title)s” is already a round of another competition.",
                title=taken.quiz.title,
            ),
            field="quiz_ids",
        )
    kept = {round_.quiz_id: round_ for round_ in competition.rounds if round_.quiz_id in ids}
    for round_ in list(competition.rounds):
        if round_.quiz_id not in kept:
            competition.rounds.remove(round_)
    db.session.flush()  # removed rounds go before a quiz could come back as a new one
    for position, quiz in enumerate(quizzes):
        round_ = kept.get(quiz.id) or CompetitionRound(quiz=quiz)
        round_.position = position
        if quiz.id not in kept:
            competition.rounds.append(round_)
    competition.rounds = sorted(competition.rounds, key=lambda r: r.position)
    _align_quizzes(competition)
    db.session.flush()


def _align_quizzes(competition: Competition) -> None:
    for round_ in competition.rounds:
        quiz = round_.quiz
        quiz.opens_at = competition.starts_at
        quiz.closes_at = competition.ends_at
        quiz.units = list(competition.units)
        if competition.is_published and not quiz.is_published:
            quiz_authoring.set_published(quiz, True)


def set_published(competition: Competition, published: bool) -> None:
    """Publish (open to registration on its dates) or take back to draft."""
    if published and not competition.rounds:
        raise ValidationError(_("Add at least one round (a quiz)."), field="quiz_ids")
    competition.is_published = published
    _align_quizzes(competition)
    db.session.flush()


def get_competition(competition_id: int) -> Competition:
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        raise NotFoundError(_("This competition does not exist."))
    return competition


def new_display_token(competition: Competition) -> str:
    """A fresh unguessable big-screen link secret; the old link stops working."""
    competition.display_token = secrets.token_urlsafe(32)
    db.session.flush()
    return competition.display_token


def revoke_display_token(competition: Competition) -> None:
    competition.display_token = None
    db.session.flush()
