"""The ranking engine: tie rules, paging, versions and transactions on both back ends, and a
property test that both back ends rank any sequence of events identically (real Redis)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from lms.core.extensions import db as _db
from lms.core.ranking import (
    MAX_BOARD_LENGTH,
    MAX_TIME_USED_MS,
    Ranked,
    Ranking,
    RankingChange,
    RankingEntry,
    RankingError,
    RedisRanking,
    SqlRanking,
    Standing,
    get_ranking,
    sql_snapshots,
)
from tests.conftest import require_service

TEST_DB = 14  # never the application's db; keys under a prefix of each test's own
BOARD = "competition:1:people"


def redis_on_test_db() -> redis.Redis:
    """A client of LMS_TEST_REDIS_URL's server on db 14, whatever db the URL names."""
    url = require_service("LMS_TEST_REDIS_URL", "the Redis ranking and pub/sub tests")
    parts = urlsplit(url)
    return redis.Redis.from_url(urlunsplit(parts._replace(path=f"/{TEST_DB}")),
                                decode_responses=True)  # fmt: skip


def drop_prefix(client: redis.Redis, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis_on_test_db()
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis at LMS_TEST_REDIS_URL is not reachable: {error}")
    yield client
    client.close()


@pytest.fixture
def redis_ranking(redis_client: redis.Redis) -> Iterator[RedisRanking]:
    prefix = f"test:{uuid.uuid4().hex}:"
    yield RedisRanking(redis_client, prefix)
    drop_prefix(redis_client, prefix)


@pytest.fixture(params=["sql", "redis"])
def ranking(request: pytest.FixtureRequest, db: Any) -> Ranking:
    if request.param == "sql":
        return SqlRanking()
    return request.getfixturevalue("redis_ranking")


def s(member_id: int, score: float, time_ms: int = 0, finished_ms: int = 0) -> Standing:
    return Standing(member_id, score, time_ms, finished_ms)


def ranks(rows: list[Ranked]) -> list[tuple[int, int]]:
    return [(row.rank, row.member_id) for row in rows]


def test_exact_ties_share_a_rank_and_the_next_rank_skips(ranking: Ranking) -> None:
    ranking.record(BOARD, s(1, 90, 5000, 100))
    ranking.record(BOARD, s(2, 80, 4000, 200))
    ranking.record(BOARD, s(3, 80, 4000, 200))  # an exact tie with 2
    ranking.record(BOARD, s(4, 80, 4000, 300))  # finished later
    ranking.record(BOARD, s(5, 80, 3000, 900))  # less time beats finishing earlier
    _db.session.commit()
    assert ranks(ranking.top(BOARD, 10)) == [(1, 1), (2, 5), (3, 2), (3, 3), (5, 4)]
    assert ranking.rank_of(BOARD, 3) == Ranked(3, 3, 80.0, 4000, 200)
    assert ranking.count(BOARD) == 5


def test_one_two_two_four(ranking: Ranking) -> None:
    for member_id, score in ((10, 5), (11, 4), (12, 4), (13, 3)):
        ranking.record(BOARD, s(member_id, score, 60_000, 1_700_000_000_000))
    _db.session.commit()
    assert [row.rank for row in ranking.top(BOARD, 10)] == [1, 2, 2, 4]


def test_record_again_moves_and_remove_takes_off(ranking: Ranking) -> None:
    ranking.record(BOARD, s(1, 10))
    ranking.record(BOARD, s(2, 20))
    _db.session.commit()
    ranking.record(BOARD, s(1, 30))
    ranking.remove(BOARD, 2)
    ranking.remove(BOARD, 99)  # not on the board: nothing happens
    _db.session.commit()
    assert ranks(ranking.top(BOARD, 10)) == [(1, 1)]
    assert ranking.rank_of(BOARD, 2) is None
    assert ranking.around(BOARD, 2, 3) == []
    assert ranking.count(BOARD) == 1


def test_top_with_offset_ranks_a_tie_that_started_on_the_previous_page(ranking: Ranking) -> None:
    ranking.record(BOARD, s(1, 50))
    for member_id in (2, 3, 4):
        ranking.record(BOARD, s(member_id, 40))
    ranking.record(BOARD, s(5, 30))
    _db.session.commit()
    assert ranks(ranking.top(BOARD, 2, offset=2)) == [(2, 3), (2, 4)]
    assert ranks(ranking.top(BOARD, 5, offset=4)) == [(5, 5)]
    assert ranking.top(BOARD, 5, offset=5) == []
    assert ranking.top(BOARD, 0) == []


def test_around_gives_neighbours_each_side_clipped_at_the_ends(ranking: Ranking) -> None:
    for member_id in range(1, 8):
        ranking.record(BOARD, s(member_id, 100 - member_id))
    _db.session.commit()
    assert ranks(ranking.around(BOARD, 4, 2)) == [(2, 2), (3, 3), (4, 4), (5, 5), (6, 6)]
    assert ranks(ranking.around(BOARD, 1, 2)) == [(1, 1), (2, 2), (3, 3)]
    assert ranks(ranking.around(BOARD, 7, 1)) == [(6, 6), (7, 7)]
    assert ranks(ranking.around(BOARD, 7, 0)) == [(7, 7)]


def test_neighbours_and_pages_are_read_along_the_index_without_sorting_the_board(db: Any) -> None:
    """On SQLite, whose planner answers for any size: the query plans seek the board-order
    index from the member's row (or the top) and never sort (no temporary B-tree)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by table statistics; a test's tiny table is scanned")
    from lms.core.ranking import sql_boards  # noqa: PLC0415

    row = ("board", 1.0, 1.0, 1.0, 5, 5, 9, 9, 3, 4)
    plans = {
        name: db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", row).all()
        for name, sql in (("above", sql_boards._ABOVE), ("below", sql_boards._BELOW))
    }
    page = sql_boards._PAGE.format(members="?")
    plans["page"] = (
        db.session.connection()
        .exec_driver_sql(f"EXPLAIN QUERY PLAN {page}", ("board", 50, 100))
        .all()
    )
    for name, plan in plans.items():
        details = " ".join(str(step[-1]) for step in plan)
        assert "ix_ranking_entries_rank" in details, (name, details)
        assert "TEMP B-TREE" not in details, (name, details)


def test_replace_all_rebuilds_the_board(ranking: Ranking) -> None:
    ranking.record(BOARD, s(1, 10))
    ranking.record(BOARD, s(2, 20))
    _db.session.commit()
    ranking.replace_all(BOARD, [s(2, 5), s(3, 7.25), s(4, 7.25, 10)])
    _db.session.commit()
    assert ranks(ranking.top(BOARD, 10)) == [(1, 3), (2, 4), (3, 2)]
    assert ranking.count(BOARD) == 3
    ranking.replace_all(BOARD, [])
    _db.session.commit()
    assert ranking.top(BOARD, 10) == []
    assert ranking.count(BOARD) == 0


def test_every_write_bumps_the_version_of_its_board_only(ranking: Ranking) -> None:
    assert ranking.version(BOARD) == 0
    ranking.record(BOARD, s(1, 10))
    _db.session.commit()
    first = ranking.version(BOARD)
    ranking.remove(BOARD, 1)
    _db.session.commit()
    second = ranking.version(BOARD)
    ranking.replace_all(BOARD, [s(1, 1)])
    _db.session.commit()
    assert first < second < ranking.version(BOARD)
    assert ranking.version("other") == 0


def test_concurrent_writers_never_lose_a_version_or_a_member(app: Any, db: Any) -> None:
    _two_writers(app, s(1, 1), s(2, 2))
    ranking = SqlRanking()
    assert (ranking.version(BOARD), ranking.count(BOARD)) == (2, 2)
    assert ranks(ranking.top(BOARD, 10)) == [(1, 2), (2, 1)]


def test_boards_are_separate(ranking: Ranking) -> None:
    ranking.record(BOARD, s(1, 10))
    ranking.record("other", s(1, 99))
    ranking.record("other", s(2, 100))
    _db.session.commit()
    assert ranking.rank_of(BOARD, 1) == Ranked(1, 1, 10.0, 0, 0)
    assert ranking.rank_of("other", 1) == Ranked(2, 1, 99.0, 0, 0)


def test_rolled_back_writes_are_never_visible(ranking: Ranking) -> None:
    ranking.record(BOARD, s(1, 10))
    _db.session.commit()
    version = ranking.version(BOARD)
    ranking.record(BOARD, s(1, 99))
    ranking.record(BOARD, s(2, 50))
    ranking.replace_all("other", [s(3, 1)])
    _db.session.rollback()
    _db.session.commit()  # the next transaction does not replay them either
    assert ranks(ranking.top(BOARD, 10)) == [(1, 1)]
    assert ranking.rank_of(BOARD, 1) == Ranked(1, 1, 10.0, 0, 0)
    assert ranking.version(BOARD) == version
    assert ranking.count("other") == 0


def test_redis_shows_writes_only_after_the_commit(redis_ranking: RedisRanking, db: Any) -> None:
    redis_ranking.record(BOARD, s(1, 10))
    assert redis_ranking.top(BOARD, 10) == []
    db.session.commit()
    assert ranks(redis_ranking.top(BOARD, 10)) == [(1, 1)]


def test_the_sql_version_row_is_hidden_from_every_read(db: Any) -> None:
    ranking = SqlRanking()
    for member_id in range(1, 4):
        ranking.record(BOARD, s(member_id, 0.5))  # below the version row's score
    db.session.commit()
    assert db.session.query(RankingEntry).count() == 4
    assert [row.rank for row in ranking.top(BOARD, 10, offset=1)] == [1, 1]
    assert ranking.rank_of(BOARD, 3) == Ranked(1, 3, 0.5, 0, 0)
    assert ranking.rank_of(BOARD, -1) is None
    assert ranking.count(BOARD) == 3


def test_a_large_board_answers_from_a_snapshot_that_follows_every_write(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_snapshots, "SNAPSHOT_MIN_MEMBERS", 3)
    ranking = SqlRanking()
    ranking.replace_all(BOARD, [s(1, 10), s(2, 20), s(3, 20), s(4, 5)])
    db.session.commit()
    with count_statements(db) as statements:
        assert ranking.rank_of(BOARD, 1) == Ranked(3, 1, 10.0, 0, 0)  # takes the snapshot
        assert ranking.rank_of(BOARD, 4) == Ranked(4, 4, 5.0, 0, 0)  # answers from it
    assert not any("count(" in statement.lower() for statement in statements)
    assert sum("ranking_changes" in statement for statement in statements) == 0
    ranking.record(BOARD, s(4, 30))
    assert ranking.rank_of(BOARD, 1) == Ranked(4, 1, 10.0, 0, 0)  # our own write: counted
    assert ranking.rank_of(BOARD, 4) == Ranked(1, 4, 30.0, 0, 0)
    db.session.rollback()
    assert ranking.rank_of(BOARD, 4) == Ranked(4, 4, 5.0, 0, 0)
    ranking.remove(BOARD, 2)
    ranking.record(BOARD, s(5, 20))
    ranking.record(BOARD, s(1, 25))
    db.session.commit()
    with count_statements(db) as statements:  # three changes, fetched and applied
        assert [ranking.rank_of(BOARD, m) for m in (3, 1, 5, 4)] == [
            Ranked(2, 3, 20.0, 0, 0),
            Ranked(1, 1, 25.0, 0, 0),
            Ranked(2, 5, 20.0, 0, 0),
            Ranked(4, 4, 5.0, 0, 0),
        ]
    assert not any("count(" in statement.lower() for statement in statements)
    assert sum("ranking_changes" in statement for statement in statements) == 1
    ranking.replace_all(BOARD, [s(1, 1), s(2, 2), s(3, 3)])  # not logged: read whole again
    db.session.commit()
    assert [ranking.rank_of(BOARD, m) for m in (1, 2, 3)] == [
        Ranked(3, 1, 1.0, 0, 0),
        Ranked(2, 2, 2.0, 0, 0),
        Ranked(1, 3, 3.0, 0, 0),
    ]


def test_a_snapshot_follows_a_long_or_pruned_log(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_snapshots, "SNAPSHOT_MIN_MEMBERS", 2)
    monkeypatch.setattr(sql_snapshots, "CHANGES_KEPT", 4)
    monkeypatch.setattr(sql_snapshots, "PRUNE_EVERY", 3)
    ranking = SqlRanking()
    ranking.replace_all(BOARD, [s(member_id, member_id) for member_id in range(1, 6)])
    db.session.commit()
    assert ranking.rank_of(BOARD, 1) == Ranked(5, 1, 1.0, 0, 0)
    for round_ in range(1, 4):  # the second round runs past the log kept: read whole again
        for member_id in range(1, 6):
            ranking.record(BOARD, s(member_id, (member_id * 7 + round_ * 3) % 11))
            db.session.commit()
            if round_ == 2:
                continue
            expected = sorted(ranking.top(BOARD, 10), key=lambda row: row.member_id)
            assert [ranking.rank_of(BOARD, m) for m in range(1, 6)] == expected
    assert db.session.query(RankingChange).count() <= 4 + 3


def test_concurrent_writers_of_one_member_keep_snapshots_exact(
    app: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_snapshots, "SNAPSHOT_MIN_MEMBERS", 2)
    ranking = SqlRanking()
    ranking.replace_all(BOARD, [s(1, 10), s(2, 10), s(3, 30)])
    db.session.commit()
    assert ranking.rank_of(BOARD, 1) == Ranked(2, 1, 10.0, 0, 0)  # the snapshot is taken
    db.session.commit()  # SQLite: end our transaction, which holds the write lock
    _two_writers(app, s(1, 40), s(1, 5))
    assert ranking.top(BOARD, 10) == [
        Ranked(1, 3, 30.0, 0, 0),
        Ranked(2, 2, 10.0, 0, 0),
        Ranked(3, 1, 5.0, 0, 0),
    ]
    assert [ranking.rank_of(BOARD, m) for m in (1, 2, 3)] == [
        Ranked(3, 1, 5.0, 0, 0),
        Ranked(2, 2, 10.0, 0, 0),
        Ranked(1, 3, 30.0, 0, 0),
    ]


def _two_writers(app: Any, first: Standing, second: Standing) -> None:
    """Record ``first`` and, while its transaction is still open, ``second`` in another."""
    first_wrote = threading.Event()
    errors: list[BaseException] = []

    def write(standing: Standing, wait_for: threading.Event | None) -> None:
        try:
            with app.app_context():
                if wait_for is not None:
                    wait_for.wait(5)
                SqlRanking().record(BOARD, standing)
                if wait_for is None:
                    first_wrote.set()
                    time.sleep(0.3)  # the other writer runs into our open transaction
                _db.session.commit()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    writers = [
        threading.Thread(target=write, args=(first, None)),
        threading.Thread(target=write, args=(second, first_wrote)),
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert errors == []


@contextmanager
def count_statements(db: Any) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    "standing",
    [
        s(1, 1.005),
        s(1, float("nan")),
        s(1, 41_943.04),
        s(1, -41_943.05),
        s(1, 1, MAX_TIME_USED_MS + 1),
        s(1, 1, -1),
        s(-1, 1),
        s(1, 1, 0, -5),
    ],
)
def test_standings_the_boards_cannot_hold_exactly_are_refused(
    ranking: Ranking, standing: Standing
) -> None:
    with pytest.raises(RankingError):
        ranking.record(BOARD, standing)


def test_board_names_longer_than_the_limit_are_refused(ranking: Ranking) -> None:
    long_name = "b" * (MAX_BOARD_LENGTH + 1)
    for write in (
        lambda: ranking.record(long_name, s(1, 1)),
        lambda: ranking.remove(long_name, 1),
        lambda: ranking.replace_all(long_name, [s(1, 1)]),
    ):
        with pytest.raises(RankingError):
            write()
    ranking.record("b" * MAX_BOARD_LENGTH, s(1, 1))
    _db.session.commit()
    assert ranks(ranking.top("b" * MAX_BOARD_LENGTH, 10)) == [(1, 1)]


def test_limits_are_held_exactly(ranking: Ranking) -> None:
    ranking.record(BOARD, s(1, 41_943.03, MAX_TIME_USED_MS, 10**15 - 1))
    ranking.record(BOARD, s(2, -41_943.04, 0, 0))
    ranking.record(BOARD, s(3, 41_943.03, MAX_TIME_USED_MS - 1, 10**15 - 1))
    _db.session.commit()
    assert ranking.top(BOARD, 3) == [
        Ranked(1, 3, 41_943.03, MAX_TIME_USED_MS - 1, 10**15 - 1),
        Ranked(2, 1, 41_943.03, MAX_TIME_USED_MS, 10**15 - 1),
        Ranked(3, 2, -41_943.04, 0, 0),
    ]


def test_get_ranking_follows_the_redis_setting(app: Any, db: Any) -> None:
    assert isinstance(get_ranking(), SqlRanking)
    url = require_service("LMS_TEST_REDIS_URL", "the Redis ranking tests")
    app.config["REDIS_URL"] = url
    try:
        assert isinstance(get_ranking(), RedisRanking)
    finally:
        app.config["REDIS_URL"] = None


# -- both back ends, same events, same answers ----------------------------------------------

members = st.integers(min_value=0, max_value=12)
standings = st.builds(
    Standing,
    member_id=members,
    score=st.integers(min_value=-300, max_value=300).map(lambda h: h / 100),
    time_used_ms=st.sampled_from([0, 1, 999, 60_000, MAX_TIME_USED_MS]),
    finished_at_ms=st.sampled_from([0, 5, 1_700_000_000_000]),
)
events = st.lists(
    st.one_of(
        st.tuples(st.just("record"), standings),
        st.tuples(st.just("remove"), members),
        st.tuples(st.just("replace"), st.lists(standings, max_size=8)),
        st.just(("commit", None)),
    ),
    max_size=40,
)


def _apply(ranking: Ranking, event: tuple[str, Any]) -> None:
    kind, value = event
    if kind == "record":
        ranking.record(BOARD, value)
    elif kind == "remove":
        ranking.remove(BOARD, value)
    elif kind == "replace":
        ranking.replace_all(BOARD, value)


def _answers(ranking: Ranking) -> dict[str, Any]:
    return {
        "count": ranking.count(BOARD),
        "top": [ranking.top(BOARD, limit, offset) for limit in (1, 3, 20) for offset in (0, 2, 5)],
        "rank_of": [ranking.rank_of(BOARD, member_id) for member_id in range(13)],
        "around": [ranking.around(BOARD, m, n) for m in range(13) for n in (0, 1, 3)],
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=events, snapshots=st.sampled_from([(10**9, 2000), (0, 2000), (0, 2)]))
def test_sql_and_redis_rank_any_events_the_same(
    events: list[tuple[str, Any]],
    snapshots: tuple[int, int],
    redis_client: redis.Redis,
    db: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SQL counted, from snapshots kept current by the log, and with a log pruned often."""
    prefix = f"test:{uuid.uuid4().hex}:"
    sql, in_redis = SqlRanking(), RedisRanking(redis_client, prefix)
    monkeypatch.setattr(sql_snapshots, "SNAPSHOT_MIN_MEMBERS", snapshots[0])
    monkeypatch.setattr(sql_snapshots, "CHANGES_KEPT", snapshots[1])
    monkeypatch.setattr(sql_snapshots, "PRUNE_EVERY", min(snapshots[1], 250))
    try:
        db.session.query(RankingEntry).delete()
        db.session.commit()
        for event in [*events, ("commit", None)]:
            if event[0] == "commit":
                db.session.commit()
                assert _answers(sql) == _answers(in_redis)
                continue
            _apply(sql, event)
            _apply(in_redis, event)
        board = sql.top(BOARD, 100)
        assert [row.rank for row in board] == [
            1 + sum(1 for other in board if _better(other, row)) for row in board
        ]
    finally:
        drop_prefix(redis_client, prefix)


def _better(a: Ranked, b: Ranked) -> bool:
    return (-a.score, a.time_used_ms, a.finished_at_ms) < (
        -b.score,
        b.time_used_ms,
        b.finished_at_ms,
    )
