"""People and unit boards: freeze and reveal, unit metrics, constant queries, cached bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from competitions.models import Entry, UnitMetric
from competitions.services import integrity, leaderboards, registration
from competitions.services.standings import people_key, public_key, standing_of
from lms.accounts.models import OrgUnit
from lms.core.extensions import db
from lms.core.ranking import get_ranking
from tests.unit.competitions.helpers import auto_quiz, person, running, take, tree


def test_the_public_board_freezes_while_me_stays_live_and_the_end_reveals(db, clock):
    quiz = auto_quiz()
    competition = running([quiz], freeze_minutes=30)
    leader, climber = person(display_name="Leader"), person(display_name="Climber")
    for member in (leader, climber):
        registration.register(member, competition)
    take(leader, quiz, right=1)
    assert not leaderboards.people_board(competition).frozen

    clock.advance(minutes=95)  # frozen from minute 90
    take(climber, quiz, right=2)
    board = leaderboards.people_board(competition, viewer=climber, around=climber)
    assert board.frozen
    assert [r.name for r in board.entries] == ["Leader"]
    assert board.total == 1
    assert (board.me.rank, board.me.score) == (1, 4.0)  # the climber sees their live place
    assert board.neighbours == []  # not on the frozen board yet
    frozen_bytes = leaderboards.board_bytes(competition, "people", 10)
    assert b"Climber" not in frozen_bytes

    clock.advance(minutes=25)  # the end: the live board is revealed
    board = leaderboards.people_board(competition, viewer=leader)
    assert not board.frozen
    assert [(r.rank, r.name) for r in board.entries] == [(1, "Climber"), (2, "Leader")]
    assert board.me.rank == 2
    revealed = json.loads(leaderboards.board_bytes(competition, "people", 10))
    assert [e["name"] for e in revealed["entries"]] == ["Climber", "Leader"]


def test_around_me_gives_the_neighbours(db, clock):
    quiz = auto_quiz()
    competition = running([quiz])
    members = [person() for _ in range(7)]
    for seconds, member in enumerate(members):
        registration.register(member, competition)
        take(member, quiz, right=2, clock=clock, seconds=seconds + 1)
    board = leaderboards.people_board(competition, limit=2, around=members[3], viewer=members[3])
    assert [r.rank for r in board.entries] == [1, 2]
    assert [r.user_id for r in board.neighbours] == [m.id for m in members[1:6]]
    assert board.me.rank == 4


def _entrants(competition, unit, scores: list[float]) -> None:
    """Entries and board rows written directly (no attempts): many entrants quickly."""
    base = datetime(2026, 11, 24, 8, tzinfo=UTC)
    ranking = get_ranking()
    for index, score in enumerate(scores):
        member = person(unit)
        entry = Entry(
            competition_id=competition.id,
            user_id=member.id,
            unit_id=unit.id,
            score=score,
            time_used_seconds=index,
            submitted_at=base + timedelta(seconds=index),
            rounds_done=1,
        )
        db.session.add(entry)
        for key in (people_key(competition.id), public_key(competition.id)):
            ranking.record(key, standing_of(entry, member.id))
    db.session.flush()


@pytest.mark.parametrize("size", [5, 200])
def test_a_board_page_costs_the_same_statements_at_any_size(db, clock, count_queries, size):
    competition = running()
    units = tree()
    _entrants(competition, units["north_one"], [float(i % 7) for i in range(size)])
    viewer = db.session.scalar(db.select(Entry).where(Entry.score == 0).order_by(Entry.id)).user
    db.session.expire_all()
    with count_queries() as counter:
        board = leaderboards.people_board(competition, limit=50, viewer=viewer, around=viewer)
    assert len(board.entries) == min(size, 50)
    assert board.entries[0].unit == "One"
    assert counter.count <= 16, counter.statements  # the SQL engine is most of them
    if size == 5:
        pytest.small_count = counter.count  # type: ignore[attr-defined]
    else:
        assert counter.count == pytest.small_count  # type: ignore[attr-defined]


def _units_field(metric: str, min_participants: int = 0):
    """North: 3 eligible, 2 taking part (4 and 2 points); South: 2 eligible, 1 (4 points)."""
    units = tree()
    quiz = auto_quiz()
    competition = running(
        [quiz], unit_metric=metric, min_participants=min_participants, unit_depth=2,
        units=[units["org"]],
    )  # fmt: skip
    n1, n2 = person(units["north_one"]), person(units["north_two"])
    person(units["north"])  # eligible, not taking part
    s1 = person(units["south"])
    person(units["south"])
    person(units["south"], is_active=False)  # not counted as eligible
    person(units["south"], role="organizer")  # staff: not counted as eligible
    person(units["north"], role="admin")
    for member, right in ((n1, 2), (n2, 1), (s1, 2)):
        registration.register(member, competition)
        take(member, quiz, right=right)
    return competition


def _rows(board):
    return [(r.rank, r.name, r.value, r.participants, r.eligible, r.ranked) for r in board.entries]


def test_units_rank_by_average_score(db, clock):
    board = leaderboards.units_board(_units_field(UnitMetric.AVERAGE))
    assert board.metric == UnitMetric.AVERAGE
    assert _rows(board) == [
        (1, "South", 4.0, 1, 2, True),
        (2, "North", 3.0, 2, 3, True),
    ]


def test_units_rank_by_participation(db, clock):
    board = leaderboards.units_board(_units_field(UnitMetric.PARTICIPATION))
    assert _rows(board) == [
        (1, "North", 0.6667, 2, 3, True),
        (2, "South", 0.5, 1, 2, True),
    ]


def test_units_rank_by_total(db, clock):
    board = leaderboards.units_board(_units_field(UnitMetric.TOTAL))
    assert _rows(board) == [
        (1, "North", 6.0, 2, 3, True),
        (2, "South", 4.0, 1, 2, True),
    ]


def test_units_below_the_minimum_are_listed_unranked_after_the_ranked(db, clock):
    board = leaderboards.units_board(_units_field(UnitMetric.AVERAGE, min_participants=2))
    assert _rows(board) == [
        (1, "North", 3.0, 2, 3, True),
        (None, "South", 4.0, 1, 2, False),
    ]


def test_equal_units_share_their_rank(db, clock):
    competition = _units_field(UnitMetric.TOTAL)
    competition.unit_depth = 1
    board = leaderboards.units_board(competition)
    assert _rows(board) == [(1, "Org", 10.0, 3, 5, True)]


def test_staff_count_as_eligible_only_when_they_took_part(db, clock):
    competition = _units_field(UnitMetric.PARTICIPATION)
    units = {unit.name: unit for unit in db.session.scalars(db.select(OrgUnit))}
    organizer = person(units["South"], role="organizer")
    registration.register(organizer, competition)
    take(organizer, competition.rounds[0].quiz, right=1)
    board = leaderboards.units_board(competition)
    assert _rows(board) == [
        (1, "North", 0.6667, 2, 3, True),
        (1, "South", 0.6667, 2, 3, True),
    ]


def test_disqualified_entries_leave_the_unit_board(db, clock):
    competition = _units_field(UnitMetric.TOTAL)
    south = db.session.scalar(db.select(Entry).where(Entry.score == 4.0).order_by(Entry.id.desc()))
    integrity.disqualify(south, "Shared answers", by=None)
    board = leaderboards.units_board(competition)
    assert [(r.name, r.participants) for r in board.entries] == [("North", 2), ("South", 0)]


def test_board_bytes_are_cached_by_version_and_hold_nothing_personal(db, clock):
    quiz = auto_quiz()
    competition = running([quiz])
    first, second = person(display_name="First"), person(display_name="Second")
    for member in (first, second):
        registration.register(member, competition)
    take(first, quiz, right=1)
    body = leaderboards.board_bytes(competition, "people", 10)
    assert leaderboards.board_bytes(competition, "people", 10) is body
    assert leaderboards.board_bytes(competition, "people", 5) is not body
    data = json.loads(body)
    assert data["frozen"] is False
    assert data["entries"] == [
        {"rank": 1, "name": "First", "unit": first.unit.name, "score": 2.0,
         "time_used_seconds": 0}
    ]  # fmt: skip
    assert "me" not in data and "user_id" not in body.decode()
    take(second, quiz, right=2)
    fresh = json.loads(leaderboards.board_bytes(competition, "people", 10))
    assert [e["name"] for e in fresh["entries"]] == ["Second", "First"]
    units = json.loads(leaderboards.board_bytes(competition, "units", 10))
    assert units["metric"] == "average" and units["scope"] == "units"
