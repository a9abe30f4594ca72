"""Boards written before migration 0011 read the same after it, and after going back down."""

from __future__ import annotations

from typing import Any

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from lms.app import create_app
from lms.core.extensions import db
from lms.core.ranking import Ranked, SqlRanking, Standing

BOARD = "competition:3:people"
OLD_ROWS = [  # board, member id, score, time used, finished at: as 0010's engine wrote them
    (BOARD, -1, 3.0, 2, 123_456),  # the version row: version 3, 2 members, nonce 123456
    (BOARD, 7, 50.0, 1000, 5),
    (BOARD, 8, 75.5, 2000, 6),
]


def _old_rows() -> list[tuple[Any, ...]]:
    query = "SELECT board, member_id, score, time_used_ms, finished_at_ms FROM ranking_entries"
    return sorted(tuple(row) for row in db.session.execute(text(query)))


def test_boards_survive_the_upgrade_and_the_downgrade(tmp_path: Any) -> None:
    app = create_app("testing", DATABASE_URL=f"sqlite:///{tmp_path}/old.sqlite3")
    with app.app_context():
        upgrade(revision="0010_competitions")
        db.session.execute(
            text(
                "INSERT INTO ranking_entries (board, member_id, score, time_used_ms,"
                " finished_at_ms) VALUES (:b, :m, :s, :t, :f)"
            ),
            [dict(zip("bmstf", row, strict=True)) for row in OLD_ROWS],
        )
        db.session.commit()
        upgrade()
        ranking = SqlRanking()
        assert ranking.top(BOARD, 10) == [Ranked(1, 8, 75.5, 2000, 6), Ranked(2, 7, 50.0, 1000, 5)]
        assert ranking.rank_of(BOARD, 7) == Ranked(2, 7, 50.0, 1000, 5)
        assert (ranking.count(BOARD), ranking.version(BOARD)) == (2, 3)
        ranking.record(BOARD, Standing(9, 60.0))
        db.session.commit()
        assert [row.member_id for row in ranking.top(BOARD, 10)] == [8, 9, 7]
        db.session.remove()
        downgrade(revision="0010_competitions")
        rows = _old_rows()
        assert [row[:2] for row in rows] == [(BOARD, -1), (BOARD, 7), (BOARD, 8), (BOARD, 9)]
        db.session.remove()
