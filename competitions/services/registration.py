"""Registering for competitions, and the guard that keeps rounds to registered members.

Registration is open from ``registration_opens_at`` until the end (late registration is fine);
a round's quiz starts only while the competition runs, for eligible, registered members.
"""

from __future__ import annotations

from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError

from competitions.models import Competition, Entry, Registration, Stage
from competitions.services.round_facts import round_facts
from competitions.services.stages import is_eligible, stage_of
from lms.accounts.models import User
from lms.core.db import built_once
from lms.core.errors import ConflictError
from lms.core.extensions import db
from quizzes.models import Quiz
from quizzes.services.attempts import START_GUARDS


def _registration(user: User, competition: Competition) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.competition_id == competition.id, Registration.user_id == user.id
        )
    )


def is_registered(user: User, competition: Competition) -> bool:
    """One ``EXISTS`` from a statement built once: every start of a round asks."""
    if getattr(user, "id", None) is None:
        return False
    db.session.flush()  # a registration added in this session counts
    found = db.session.connection().execute(
        built_once(db.session, _asking_registered),
        {"competition": competition.id, "user": user.id},
    )
    return bool(found.scalar())


def _asking_registered(_upsert: Any) -> Any:
    registrations = Registration.__table__
    return select(
        exists().where(
            registrations.c.competition_id == bindparam("competition"),
            registrations.c.user_id == bindparam("user"),
        )
    )


def register(user: User, competition: Competition) -> Registration:
    """Register ``user`` (idempotent: registering twice answers the first registration)."""
    if not is_eligible(user, competition):
        raise ConflictError(_("This competition is not open to you."), code="not_eligible")
    stage = stage_of(competition)
    if stage not in (Stage.REGISTRATION, Stage.RUNNING):
        message = (
            _("Registration has not opened yet.")
            if stage in (Stage.DRAFT, Stage.UPCOMING)
            else _("Registration has closed: the competition is over.")
        )
        raise ConflictError(message, code="registration_closed")
    existing = _registration(user, competition)
    if existing is not None:
        return existing
    registration = Registration(competition_id=competition.id, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:  # the same member's other request registered first
        existing = _registration(user, competition)
        if existing is None:
            raise
        return existing
    return registration


def unregister(user: User, competition: Competition) -> None:
    """Withdraw before taking part; once a round counts, the entry stays."""
    registration = _registration(user, competition)
    if registration is None:
        return
    taken_part = db.session.scalar(
        select(Entry.id).where(Entry.competition_id == competition.id, Entry.user_id == user.id)
    )
    if taken_part is not None or stage_of(competition) not in (Stage.REGISTRATION, Stage.RUNNING):
        raise ConflictError(
            _("You can no longer withdraw from this competition."), code="withdraw_closed"
        )
    db.session.delete(registration)
    db.session.flush()


def participants_count(competition: Competition) -> int:
    """How many members registered."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.competition_id == competition.id)
        )
        or 0
    )


def guard_round_start(user: User, quiz: Quiz) -> None:
    """A quizzes START_GUARD: a round starts only while running, for registered members."""
    facts = round_facts(quiz.id)
    if facts is None:
        return
    competition = cast(Competition, facts)  # the stage and eligibility rules read these facts
    if stage_of(competition) != Stage.RUNNING:
        raise ConflictError(
            _(
                "This round opens only while the competition “%(title)s” runs.",
                title=competition.title,
            ),
            code="competition_not_running",
        )
    if not is_eligible(user, competition):
        raise ConflictError(_("This competition is not open to you."), code="not_eligible")
    if not is_registered(user, competition):
        raise ConflictError(
            _(
                "Register for the competition “%(title)s” before starting its rounds.",
                title=competition.title,
            ),
            code="not_registered",
        )


START_GUARDS.append(guard_round_start)
