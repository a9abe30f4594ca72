"""Summaries and the points leaderboards: periods, ties, deactivated members, query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from lms.points import queries
from lms.points.models import PointEntry
from tests.factories import OrgUnitFactory, UserFactory


def _give(db: Any, user: Any, points: int, day: date, source: int) -> None:
    db.session.add(
        PointEntry(
            user_id=user.id,
            rule="manual",
            points=points,
            reason="test",
            source_type="adjustment",
            source_id=source,
            awarded_on=day,
        )
    )
    db.session.flush()


def test_periods_start_on_monday_and_the_first_of_the_month(db: Any, clock: Any) -> None:
    # The frozen clock: Tuesday 2026-11-24 in Asia/Shanghai.
    assert queries.period_start("week") == date(2026, 11, 23)
    assert queries.period_start("month") == date(2026, 11, 1)
    assert queries.period_start("all") is None
    clock.advance(hours=16 + 24 * 4)  # Sunday 2026-11-29 00:00 local: still the same week
    assert queries.period_start("week") == date(2026, 11, 23)
    clock.advance(days=1)
    assert queries.period_start("week") == date(2026, 11, 30)


def test_summary_splits_week_month_and_total(db: Any, member: Any, clock: Any) -> None:
    _give(db, member, 3, date(2026, 11, 24), 1)
    _give(db, member, 5, date(2026, 11, 20), 2)
    _give(db, member, 7, date(2026, 10, 30), 3)
    assert queries.summary(member) == queries.Summary(total=15, week=3, month=8)


def test_people_board_ranks_ties_together_by_period(db: Any, clock: Any) -> None:
    ann, bob, cai, dan = (UserFactory(display_name=name) for name in ("Ann", "Bob", "Cai", "Dan"))
    _give(db, ann, 10, date(2026, 11, 24), 1)
    _give(db, bob, 10, date(2026, 11, 23), 2)
    _give(db, cai, 4, date(2026, 11, 24), 3)
    _give(db, dan, 50, date(2026, 11, 2), 4)  # this month, not this week
    week = queries.people_board("week", cai)
    assert [(row.rank, row.name, row.points) for row in week.entries] == [
        (1, "Ann", 10),
        (1, "Bob", 10),
        (3, "Cai", 4),
    ]
    assert week.me is not None and week.me.rank == 3
    month = queries.people_board("month", dan)
    assert month.entries[0].name == "Dan" and month.me.rank == 1  # type: ignore[union-attr]
    _give(db, dan, 1, date(2025, 1, 1), 5)
    assert queries.people_board("all", dan).me.points == 51  # type: ignore[union-attr]


def test_deactivated_members_leave_the_board(db: Any, clock: Any) -> None:
    ann, bob = UserFactory(display_name="Ann"), UserFactory(display_name="Bob")
    _give(db, ann, 10, date(2026, 11, 24), 1)
    _give(db, bob, 5, date(2026, 11, 24), 2)
    ann.is_active = False
    db.session.flush()
    board = queries.people_board("week", ann)
    assert [(row.rank, row.name) for row in board.entries] == [(1, "Bob")]
    assert board.me is None


def test_units_board_ranks_branches_by_average_per_member(db: Any, clock: Any) -> None:
    root = OrgUnitFactory(name="Org")
    north = OrgUnitFactory(name="North", parent=root)
    south = OrgUnitFactory(name="South", parent=root)
    north_team = OrgUnitFactory(name="Team", parent=north)
    day = date(2026, 11, 24)
    big = [UserFactory(unit=south) for _ in range(4)]
    for n, user in enumerate(big):
        _give(db, user, 5, day, n)  # South: 20 points over 4 members: 5.0
    small = [UserFactory(unit=north), UserFactory(unit=north_team)]
    _give(db, small[0], 14, day, 10)  # North: 14 over 2 members (one earned nothing): 7.0
    board = queries.units_board("week", small[1])
    assert [(row.rank, row.name, row.points, row.members) for row in board.entries] == [
        (1, "North", 7.0, 2),
        (2, "South", 5.0, 4),
    ]
    assert board.me is not None and board.me.name == "North"
    _give(db, big[0], 8, day, 20)  # South: 28 / 4 = 7.0, a tie
    assert [row.rank for row in queries.units_board("week", None).entries] == [1, 1]


def test_boards_run_a_constant_number_of_queries(db: Any, clock: Any, count_queries: Any) -> None:
    root = OrgUnitFactory(name="Org")
    branches = [OrgUnitFactory(name=f"B{n}", parent=root) for n in range(3)]

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            user = UserFactory(unit=branches[n % 3])
            _give(db, user, n + 1, date(2026, 11, 24), n)

    def statements(scope: str, viewer: Any) -> int:
        assert viewer.unit.path  # loaded before counting: the page has its user already
        with count_queries() as counter:
            queries.leaderboard("week", scope, viewer)
        return counter.count

    grow(0, 3)
    viewer = UserFactory(unit=branches[0])
    db.session.commit()
    small = (statements("people", viewer), statements("units", viewer))
    grow(3, 60)
    db.session.commit()
    assert (statements("people", viewer), statements("units", viewer)) == small
    assert small == (2, 1)
