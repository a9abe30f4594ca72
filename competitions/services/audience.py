"""Who may see a competition, answered from a per-process copy of the few facts it takes.

A hot read (the leaderboard API) would otherwise load the competition and its units on every
request. The copy lives ``FACTS_SECONDS`` at most (``lms.core.memo`` says how edits are seen).
The viewer's side of the check (role, active, unit) is always read from the current user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction, object_session, selectinload

from competitions.models import Competition
from competitions.permissions import can_see_competition
from competitions.services import stages
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.core.memo import ProcessMemo

FACTS_SECONDS = 5.0
_EDITED = "lms_competitions_edited"  # ids of competitions this session's transaction changed


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


memo: ProcessMemo[CompetitionFacts | None] = ProcessMemo(FACTS_SECONDS, keep_none=False)


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
    """The competition's facts (None: there is no such competition), at most FACTS_SECONDS old."""
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


def forget(competition_id: int) -> None:
    memo.forget(lambda key: key == competition_id)


def clear() -> None:
    """Forget every competition (tests empty the tables and ids start again)."""
    memo.forget()


@event.listens_for(Competition, "after_update")
@event.listens_for(Competition, "after_delete")
def _forget_edited(_mapper: Any, _connection: Any, competition: Competition) -> None:
    """Also for a change of units alone: the mapper reports every competition flushed dirty."""
    session = object_session(competition)
    if session is not None:
        session.info.setdefault(_EDITED, set()).add(competition.id)
    forget(competition.id)


@event.listens_for(Session, "after_commit")
def _forget_committed(session: Session) -> None:
    for competition_id in session.info.pop(_EDITED, ()):
        forget(competition_id)


@event.listens_for(Session, "after_transaction_end")
def _drop_edited(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_EDITED, None)
