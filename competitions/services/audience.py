"""Who may see a competition, answered from a per-process copy of the few facts it takes.

A hot read (the leaderboard API) would otherwise load the competition and its units on every
request. The copy is kept under the "competitions" version stamp (``round_facts.TOPIC``), so an
edit made by any worker applies at once everywhere (``lms.core.memo``).
The viewer's side of the check (role, active, unit) is always read from the current user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competitions.models import Competition
from competitions.permissions import can_see_competition
from competitions.services import stages
from competitions.services.round_facts import TOPIC
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.core.memo import ProcessMemo


class _Unit(NamedTuple):
    path: str


@dataclass(frozen=True)
class CompetitionFacts:
    """What visibility, the freeze and the board's cache key read from a competition."""

    id: int
    is_published: bool
    units: tuple[_Unit, ...]
    ends_at: datetime
    freeze_at: datetime | None
    created_at: datetime
    updated_at: datetime

    def is_frozen(self, now: datetime | None = None) -> bool:
        """As ``stages.is_frozen``: from the freeze until the end."""
        now = now or utcnow()
        return self.freeze_at is not None and self.freeze_at <= now < self.ends_at


memo: ProcessMemo[CompetitionFacts | None] = ProcessMemo(keep_none=False, topic=TOPIC)


def _facts(competition: Competition) -> CompetitionFacts:
    return CompetitionFacts(
        id=competition.id,
        is_published=competition.is_published,
        units=tuple(_Unit(unit.path) for unit in competition.units),
        ends_at=competition.ends_at,
        freeze_at=stages.freeze_at(competition),
        created_at=competition.created_at,
        updated_at=competition.updated_at,
    )


def facts_of(competition_id: int) -> CompetitionFacts | None:
    """The competition's facts (None: there is no such competition), as last committed."""
    return memo.get(competition_id, lambda: _load(competition_id))


def _load(competition_id: int) -> CompetitionFacts | None:
    competition = db.session.scalar(
        select(Competition)
        .where(Competition.id == competition_id)
        .options(selectinload(Competition.units))
    )
    return None if competition is None else _facts(competition)


def can_see(user: User | Any, facts: CompetitionFacts) -> bool:
    """``can_see_competition`` on the facts (it reads the publication and the units' paths)."""
    return can_see_competition(user, cast(Competition, facts))


def clear() -> None:
    """Forget every competition (tests empty the tables and ids start again)."""
    memo.forget()
