"""Leaderboards of people and of org units, read from the ranking boards.

A page of the people board costs the same few statements at any size: the ranking engine gives
ids and ranks, one query joins the names and units of the rows shown. While frozen, everyone
sees the public board as it stood at the freeze, and the viewer's own row (``me``) stays live.
Deactivated members leave the boards when they are deactivated (see ``integrity``); rows of a
member deactivated behind the services' back are still dropped here when names are joined.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from competitions.models import Competition, Entry
from competitions.services import audience, round_facts
from competitions.services.audience import CompetitionFacts
from competitions.services.stages import is_frozen
from competitions.services.standings import people_key, public_key
from competitions.services.unit_boards import unit_json, units_board
from lms.accounts.models import OrgUnit, User
from lms.accounts.services import people_stamp
from lms.core.clock import utcnow
from lms.core.errors import NotFoundError
from lms.core.extensions import db
from lms.core.ranking import Ranked, get_ranking

NEIGHBOURS = 2
UNITS_CACHE_SECONDS = 30  # eligible headcounts change without a board version: refresh often
_CACHE_LIMIT = 512
_cache: dict[tuple[Any, ...], bytes] = {}
# (database, competition, scope, limit, ...) -> (monotonic time built or confirmed, bytes):
# board_bytes's ``max_age``. Only ever read with a max_age, so the live page never sees it.
_recent: dict[tuple[Any, ...], tuple[float, bytes]] = {}
_OWN_UNITS_LIMIT = 50_000
_own_units: dict[tuple[Any, ...], str | None] = {}


@dataclass(frozen=True)
class Row:
    rank: int
    user_id: int
    name: str
    unit: str
    score: float
    time_used_seconds: int


@dataclass(frozen=True)
class PeopleBoard:
    frozen: bool
    total: int
    entries: list[Row]
    me: Row | None
    neighbours: list[Row]


def shown_board(competition: Competition) -> str:
    """The board the public sees now: the frozen one during the freeze, else the live one."""
    return public_key(competition.id) if is_frozen(competition) else people_key(competition.id)


def _names(competition_id: int, user_ids: set[int]) -> dict[int, tuple[str, str]]:
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Entry.user_id, User.display_name, OrgUnit.name)
        .join(User, User.id == Entry.user_id)
        .join(OrgUnit, OrgUnit.id == Entry.unit_id)
        .where(
            Entry.competition_id == competition_id,
            Entry.user_id.in_(user_ids),
            User.is_active.is_(True),
        )
    )
    return {user_id: (name, unit) for user_id, name, unit in rows}


def _row(ranked: Ranked, names: dict[int, tuple[str, str]]) -> Row | None:
    if ranked.member_id not in names:
        return None
    name, unit = names[ranked.member_id]
    return Row(
        rank=ranked.rank,
        user_id=ranked.member_id,
        name=name,
        unit=unit,
        score=ranked.score,
        time_used_seconds=ranked.time_used_ms // 1000,
    )


def _rows(ranked: list[Ranked], names: dict[int, tuple[str, str]]) -> list[Row]:
    return [row for r in ranked if (row := _row(r, names)) is not None]


def people_board(
    competition: Competition,
    *,
    limit: int = 50,
    offset: int = 0,
    around: User | None = None,
    viewer: User | None = None,
) -> PeopleBoard:
    """A page of the board, plus the viewer's live row and the neighbours of ``around``."""
    ranking = get_ranking()
    frozen = is_frozen(competition)
    board = shown_board(competition)
    top = ranking.top(board, limit, offset) if limit > 0 else []
    viewer_id = getattr(viewer, "id", None)
    mine = ranking.rank_of(people_key(competition.id), viewer_id) if viewer_id else None
    around_id = getattr(around, "id", None)
    near = ranking.around(board, around_id, NEIGHBOURS) if around_id else []
    ids = {r.member_id for r in top} | {r.member_id for r in near}
    if mine is not None:
        ids.add(mine.member_id)
    names = _names(competition.id, ids)
    return PeopleBoard(
        frozen=frozen,
        total=ranking.count(board),
        entries=_rows(top, names),
        me=_row(mine, names) if mine is not None else None,
        neighbours=_rows(near, names),
    )


def _own_unit(competition_id: int, viewer: User, standing: Ranked) -> str | None:
    """The name of the unit the viewer's entry counts for (None: no entry).

    An entry takes the member's unit when it is scored, so this is kept per process under the
    viewer's id, current unit and standing (which every scoring changes) and the "people"
    version: a reader polling the board costs no query here, and a renamed unit shows at once.
    Read on the session's connection, in its transaction, without the ORM's per-statement work.
    """
    version = None if people_stamp.changed_here() else people_stamp.version()
    key = (db.engine, version, competition_id, viewer.id, viewer.unit_id, *standing[2:])
    if version is not None and key in _own_units:
        return _own_units[key]
    query = (
        select(OrgUnit.name)
        .join(Entry, Entry.unit_id == OrgUnit.id)
        .where(Entry.competition_id == competition_id, Entry.user_id == viewer.id)
    )
    unit = db.session.connection().execute(query).scalar()
    if version is None:
        return unit
    if len(_own_units) >= _OWN_UNITS_LIMIT:
        _own_units.clear()
    _own_units[key] = unit
    return unit


def viewer_rows(
    competition_id: int, viewer: User, *, frozen: bool, around: bool
) -> tuple[Row | None, list[Row]]:
    """The viewer's live row and, with ``around``, their neighbours on the board shown now.

    What the API adds to the cached public board: one rank lookup and the viewer's unit (kept
    for a few seconds); nothing grows with the board.
    """
    ranking = get_ranking()
    mine = ranking.rank_of(people_key(competition_id), viewer.id)
    if around:
        board = public_key(competition_id) if frozen else people_key(competition_id)
        near = ranking.around(board, viewer.id, NEIGHBOURS)
        names = _names(competition_id, _ids(near) | ({mine.member_id} if mine else set()))
        return (_row(mine, names) if mine is not None else None), _rows(near, names)
    if mine is None or not viewer.is_active:
        return None, []
    unit = _own_unit(competition_id, viewer, mine)
    names = {viewer.id: (viewer.display_name, unit)} if unit is not None else {}
    return _row(mine, names), []


def people_json(row: Row) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "name": row.name,
        "unit": row.unit,
        "score": row.score,
        "time_used_seconds": row.time_used_seconds,
    }


def _people_payload(competition_id: int, limit: int, frozen: bool) -> dict[str, Any]:
    board = public_key(competition_id) if frozen else people_key(competition_id)
    ranking = get_ranking()
    top = ranking.top(board, limit)
    return {
        "scope": "people",
        "frozen": frozen,
        "entries": [people_json(r) for r in _rows(top, _names(competition_id, _ids(top)))],
        "total": ranking.count(board),
    }


def public_payload(competition: Competition, scope: str, limit: int) -> dict[str, Any]:
    """The public board as JSON-ready data: nobody's answers, nothing about the viewer."""
    if scope == "units":
        units = units_board(competition)
        return {
            "scope": "units",
            "frozen": units.frozen,
            "metric": units.metric,
            "entries": [unit_json(r) for r in units.entries[:limit]],
            "total": len(units.entries),
        }
    return _people_payload(competition.id, limit, is_frozen(competition))


def _ids(ranked: list[Ranked]) -> set[int]:
    return {r.member_id for r in ranked}


def clear_cache() -> None:
    """Forget every cached board and competition (tests empty the tables; versions restart)."""
    _cache.clear()
    _recent.clear()
    _own_units.clear()
    audience.clear()
    round_facts.clear()


def board_bytes(
    competition: Competition | CompetitionFacts, scope: str, limit: int, max_age: float = 0.0
) -> bytes:
    """The public board as ready-made JSON, cached under every parameter it depends on: the
    competition's facts, the board's version and the "people" version (names and units shown).

    Given the competition's facts (``audience.facts_of``), a cached board costs one version
    read; the competition itself is loaded only to build a units board that is not cached.
    With ``max_age``, a board this process built less than that many seconds ago is served
    as it is, without reading the version: while scores change many times a second, the board
    is rebuilt at most that often instead of on every read. The live page and the big screen
    pass none, so a new score reaches them as soon as it is on the board.
    """
    if isinstance(competition, CompetitionFacts):
        frozen = competition.is_frozen()
    else:
        frozen = is_frozen(competition)
    people = None if people_stamp.changed_here() else people_stamp.version()
    recent_key: tuple[Any, ...] = (
        competition.id,
        db.engine,
        people,
        scope,
        limit,
        frozen,
        competition.created_at.timestamp(),  # an id reused after the tables were emptied
        competition.updated_at.timestamp(),
    )
    if people is None:  # this transaction renamed someone: build, and keep nothing
        return _board_json(competition, scope, limit, frozen)
    if max_age > 0:
        recent = _recent.get(recent_key)
        if recent is not None and time.monotonic() - recent[0] < max_age:
            return recent[1]
    board = public_key(competition.id) if frozen else people_key(competition.id)
    key = (
        *recent_key,
        get_ranking().version(board),
        int(utcnow().timestamp() // UNITS_CACHE_SECONDS) if scope == "units" else 0,
    )
    cached = _cache.get(key)
    if cached is not None:
        _remember_recent(recent_key, cached)
        return cached
    body = _board_json(competition, scope, limit, frozen)
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[key] = body
    _remember_recent(recent_key, body)
    return body


def _board_json(
    competition: Competition | CompetitionFacts, scope: str, limit: int, frozen: bool
) -> bytes:
    if scope == "people":  # the competition's id and freeze are all it takes
        payload = _people_payload(competition.id, limit, frozen)
    else:
        loaded = (
            competition
            if isinstance(competition, Competition)
            else db.session.get(Competition, competition.id)
        )
        if loaded is None:  # deleted since its facts were read
            raise NotFoundError(_("This competition does not exist."))
        payload = public_payload(loaded, scope, limit)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _remember_recent(key: tuple[Any, ...], body: bytes) -> None:
    if len(_recent) >= _CACHE_LIMIT:
        _recent.clear()
    _recent[key] = (time.monotonic(), body)


def forget_recent(competition_id: int) -> None:
    """Serve this competition's next board fresh in this process (after a local change)."""
    for key in [k for k in _recent if k[0] == competition_id]:
        _recent.pop(key, None)
