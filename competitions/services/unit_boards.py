"""The board of org units: each unit at the competition's depth by its metric (average score,
participation rate or total), with a minimum of participants to be ranked, so large units do
not win on headcount alone. Computed from the entries on request (pages cache it briefly)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from competitions.models import Competition, Entry, UnitMetric
from competitions.services.stages import is_frozen
from competitions.services.standings import public_key
from lms.accounts.models import OrgUnit, Role, User
from lms.core.extensions import db
from lms.core.ranking import get_ranking


@dataclass(frozen=True)
class UnitRow:
    rank: int | None  # None: too few participants to be ranked
    unit_id: int
    name: str
    path: str
    value: float
    participants: int
    eligible: int
    ranked: bool


@dataclass(frozen=True)
class UnitsBoard:
    metric: str
    entries: list[UnitRow]
    frozen: bool = False


def _ancestor(path: str, depth: int) -> str | None:
    parts = path.split("/")
    return "/".join(parts[:depth]) if len(parts) >= depth else None


def _eligible_path(path: str, competition: Competition) -> bool:
    units = competition.units
    return not units or any(path == u.path or path.startswith(u.path + "/") for u in units)


def _participant_scores(competition: Competition, frozen: bool) -> list[tuple[float, str]]:
    """(score, unit path) of every ranked participant; as at the freeze while frozen."""
    rows = db.session.execute(
        select(Entry.user_id, Entry.score, OrgUnit.path)
        .join(User, User.id == Entry.user_id)
        .join(OrgUnit, OrgUnit.id == Entry.unit_id)
        .where(
            Entry.competition_id == competition.id,
            Entry.disqualified_at.is_(None),
            User.is_active.is_(True),
        )
    ).all()
    if not frozen:
        return [(score, path) for _user_id, score, path in rows]
    board = public_key(competition.id)
    ranking = get_ranking()
    at_freeze = {r.member_id: r.score for r in ranking.top(board, ranking.count(board))}
    return [(at_freeze[user_id], path) for user_id, _score, path in rows if user_id in at_freeze]


def _eligible_counts(competition: Competition, depth: int) -> dict[str, int]:
    """Per unit at ``depth``: the active members who may take part. Staff (organizers and
    admins) run competitions and are not counted, unless one took part anyway."""
    took_part = select(Entry.user_id).where(Entry.competition_id == competition.id)
    counts: dict[str, int] = defaultdict(int)
    rows = db.session.execute(
        select(OrgUnit.path, func.count(User.id))
        .join(User, User.unit_id == OrgUnit.id)
        .where(
            User.is_active.is_(True),
            (User.role == Role.MEMBER.value) | User.id.in_(took_part),
        )
        .group_by(OrgUnit.path)
    )
    for path, count in rows:
        ancestor = _ancestor(path, depth)
        if ancestor is not None and _eligible_path(path, competition):
            counts[ancestor] += count
    return counts


def _value(metric: str, total: float, participants: int, eligible: int) -> float:
    if metric == UnitMetric.TOTAL:
        return round(total, 4)
    if metric == UnitMetric.PARTICIPATION:
        return round(participants / eligible, 4) if eligible else 0.0
    return round(total / participants, 4) if participants else 0.0


def units_board(competition: Competition) -> UnitsBoard:
    """Units at ``unit_depth`` by the competition's metric. A unit needs ``min_participants``
    participants (and at least one) to be ranked; the others follow, unranked."""
    frozen = is_frozen(competition)
    depth = competition.unit_depth
    totals: dict[str, float] = defaultdict(float)
    participants: dict[str, int] = defaultdict(int)
    for score, path in _participant_scores(competition, frozen):
        ancestor = _ancestor(path, depth)
        if ancestor is not None:
            totals[ancestor] += score
            participants[ancestor] += 1
    eligible = _eligible_counts(competition, depth)
    paths = set(eligible) | set(participants)
    units = (
        db.session.execute(
            select(OrgUnit.id, OrgUnit.name, OrgUnit.path).where(OrgUnit.path.in_(paths))
        ).all()
        if paths
        else []
    )
    needed = max(competition.min_participants, 1)
    rows = [
        UnitRow(
            rank=None,
            unit_id=unit_id,
            name=name,
            path=path,
            value=_value(
                competition.unit_metric, totals[path], participants[path], eligible.get(path, 0)
            ),
            participants=participants[path],
            eligible=eligible.get(path, 0),
            ranked=participants[path] >= needed,
        )
        for unit_id, name, path in units
    ]
    ranked = sorted((r for r in rows if r.ranked), key=lambda r: (-r.value, r.path))
    unranked = sorted((r for r in rows if not r.ranked), key=lambda r: (-r.value, r.path))
    placed: list[UnitRow] = []
    for index, row in enumerate(ranked):
        tie = placed and placed[-1].value == row.value
        rank = placed[-1].rank if tie else index + 1
        placed.append(UnitRow(**{**asdict(row), "rank": rank}))
    return UnitsBoard(metric=competition.unit_metric, entries=placed + unranked, frozen=frozen)


def unit_json(row: UnitRow) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "name": row.name,
        "path": row.path,
        "value": row.value,
        "participants": row.participants,
        "eligible": row.eligible,
        "ranked": row.ranked,
    }
