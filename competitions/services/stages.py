"""Where a competition stands, by the server's clock, and who may take part."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from competitions.models import Competition, CompetitionRound, Stage
from competitions.permissions import in_units
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db


def stage_of(competition: Competition, now: datetime | None = None) -> Stage:
    now = now or utcnow()
    if not competition.is_published:
        return Stage.DRAFT
    if competition.results_published_at is not None:
        return Stage.PUBLISHED
    if now < competition.registration_opens_at:
        return Stage.UPCOMING
    if now < competition.starts_at:
        return Stage.REGISTRATION
    if now < competition.ends_at:
        return Stage.RUNNING
    return Stage.FINISHED


def is_eligible(user: User | Any, competition: Competition) -> bool:
    """Active members of one of the competition's units or a unit below them (none: everyone)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return in_units(user, competition)


def visible_to(user: User | Any) -> list[Competition]:
    """Published competitions the user may enter, soonest first."""
    published = db.session.scalars(
        select(Competition)
        .where(Competition.is_published.is_(True))
        .options(selectinload(Competition.units))
        .order_by(Competition.starts_at, Competition.id)
    )
    return [competition for competition in published if is_eligible(user, competition)]


def freeze_at(competition: Competition) -> datetime | None:
    """When the public board stops changing (None: it does not freeze).

    An organizer's freeze by hand stands for the configured one; a reveal by hand once the
    freeze has begun ends it (a reveal before an automatic freeze leaves that to come)."""
    moment = competition.frozen_by_hand_at
    if moment is None and competition.freeze_minutes:
        moment = competition.ends_at - timedelta(minutes=competition.freeze_minutes)
    revealed = competition.revealed_by_hand_at
    if moment is None or (revealed is not None and revealed >= moment):
        return None
    return moment


def is_frozen(competition: Competition, now: datetime | None = None) -> bool:
    """True in the last ``freeze_minutes`` before the end; the board is revealed at the end."""
    moment = freeze_at(competition)
    now = now or utcnow()
    return moment is not None and moment <= now < competition.ends_at


def round_of(quiz_id: int, also: Any) -> CompetitionRound | None:
    """The competition round a quiz is (None: it is no round), with its competition and the
    competition's ``also`` relationship loaded by the same query."""
    return (
        db.session.execute(
            select(CompetitionRound)
            .where(CompetitionRound.quiz_id == quiz_id)
            .options(joinedload(CompetitionRound.competition).joinedload(also))
        )
        .unique()
        .scalar_one_or_none()
    )
