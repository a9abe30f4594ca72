"""Leaderboard engine: a full board from scratch, then rank lookups and the top-50 as boards grow.

    python -m bench.ranking                              # SQLite in a temporary folder (removed)
    LMS_BENCH_REDIS_URL=redis://127.0.0.1:6379/14 python -m bench.ranking    # and Redis
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://lms:lms@127.0.0.1:5432/lms_bench \\
        python -m bench.ranking                          # PostgreSQL (the database must exist)

Targets (issue 6): the full 10,000-entrant board (replace_all, commit, then top 10,000) in at
most 100 ms; rank lookup and top-50 at 100,000 participants at most 1.5x their time at 1,000 on
Redis and 3x on SQL. Redis keys go under a fresh prefix, deleted at the end; only the db number
in the URL is used. Prints a table; asserts nothing. LMS_BENCH_LOOKUPS sets the repetitions.

"While the board keeps changing": before each timed lookup, one random member gets a new
standing and commits (not timed), so an SQL snapshot has one logged change to apply every time.
"First lookup in a process": the process's snapshots are dropped, then one lookup is timed
(SQL boards of at least ``sql_snapshots.SNAPSHOT_MIN_MEMBERS`` read the whole board then).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis
from flask_migrate import upgrade

from lms.app import create_app
from lms.core.extensions import db
from lms.core.ranking import Ranking, RedisRanking, SqlRanking, Standing, sql_snapshots

LOOKUPS = int(os.environ.get("LMS_BENCH_LOOKUPS", "300"))
SIZES = (1_000, 10_000, 100_000)
FULL_BOARD = 10_000
FULL_TARGET_MS = 100.0
GROWTH_TARGET = {"SQL": 3.0, "Redis": 1.5}


def _standings(count: int, seed: int) -> list[Standing]:
    """Scores in hundredths with many equal scores, distinct times, a few exact ties."""
    rng = random.Random(seed)
    start = 1_790_000_000_000
    rows = []
    for member_id in range(1, count + 1):
        score, seconds = rng.randint(0, 10_000) / 100, rng.randint(0, 600)
        rows.append(Standing(member_id, score, seconds * 1000, start + rng.randint(0, 3_600_000)))
    return rows


def _median_ms(call: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _full_board(ranking: Ranking) -> float:
    standings = _standings(FULL_BOARD, seed=1)

    def build() -> None:
        ranking.replace_all("bench:full", standings)
        db.session.commit()
        board = ranking.top("bench:full", FULL_BOARD)
        assert len(board) == FULL_BOARD

    build()  # warm up
    return _median_ms(build, 5)


def _picks(size: int) -> Iterator[int]:
    rng = random.Random(size)
    return iter([rng.randint(1, size) for _ in range(LOOKUPS * 2)])


def _lookups(ranking: Ranking, board: str, size: int) -> Callable[[], object]:
    picks = _picks(size)
    return lambda: ranking.rank_of(board, next(picks))


def _changing_lookups(ranking: Ranking, board: str, size: int) -> float:
    """Median lookup time when one member's standing changes (and commits) before each."""
    rng = random.Random(-size)
    lookup, timings = _lookups(ranking, board, size), []
    for _ in range(LOOKUPS):
        member_id = rng.randint(1, size)
        ranking.record(board, Standing(member_id, rng.randint(0, 10_000) / 100,
                                       rng.randint(0, 600) * 1000, 1_790_000_000_000))  # fmt: skip
        db.session.commit()
        started = time.perf_counter()
        lookup()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _settle() -> None:
    """Statistics and visibility as autovacuum leaves them (PostgreSQL's index-only scans)."""
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("VACUUM ANALYZE ranking_entries")
        else:
            connection.exec_driver_sql("ANALYZE ranking_entries")


def _growth(ranking: Ranking) -> dict[str, dict[int, float]]:
    times: dict[str, dict[int, float]] = {}
    is_sql = isinstance(ranking, SqlRanking)
    for size in SIZES:
        board = f"bench:{size}"
        ranking.replace_all(board, _standings(size, seed=size))
        db.session.commit()
        if is_sql:
            _settle()
            sql_snapshots.forget()
            first = _median_ms(lambda board=board: ranking.rank_of(board, 1), 1)
            times.setdefault(
                "first lookup in a process (from 5,000 members: takes a snapshot)", {}
            )[size] = first
        changing = _changing_lookups(ranking, board, size)
        times.setdefault("rank lookup while the board keeps changing", {})[size] = changing
        lookup = _median_ms(_lookups(ranking, board, size), LOOKUPS)
        times.setdefault("rank lookup on a quiet board", {})[size] = lookup
        top = _median_ms(lambda board=board: ranking.top(board, 50), LOOKUPS)
        times.setdefault("top 50", {})[size] = top
        picks = _picks(size)
        around = _median_ms(lambda b=board, p=picks: ranking.around(b, next(p), 5), LOOKUPS)
        times.setdefault("neighbours of a random member (5 each side)", {})[size] = around
        db.session.commit()
    return times


def _report(name: str, full_ms: float, times: dict[str, dict[int, float]]) -> None:
    verdict = "ok" if full_ms <= FULL_TARGET_MS else "MISSED"
    print(f"| {name} | full board of {FULL_BOARD:,} (replace_all, commit, top {FULL_BOARD:,}) "
          f"| | {full_ms:.1f} ms | | <= {FULL_TARGET_MS:.0f} ms | {verdict} |")  # fmt: skip
    target = GROWTH_TARGET[name]
    for what, by_size in times.items():
        ratio = by_size[SIZES[-1]] / by_size[SIZES[0]]
        cells = " | ".join(f"{by_size[size]:.3f} ms" for size in SIZES)
        measured = what.startswith(("rank lookup", "top 50"))
        verdict = ("ok" if ratio <= target else "MISSED") if measured else "(for information)"
        print(f"| {name} | {what} | {cells} | {ratio:.2f}x (<= {target}x) | {verdict} |")


def main() -> None:
    url = os.environ.get("LMS_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="lms-bench-ranking-") as folder:
        app = create_app("testing", DATABASE_URL=url or f"sqlite:///{folder}/bench.sqlite3")
        with app.app_context():
            try:
                _run(url)
            finally:
                db.session.remove()
                db.engine.dispose()


def _run(url: str | None) -> None:
    redis_url = os.environ.get("LMS_BENCH_REDIS_URL")
    if url:
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    upgrade()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"database: {db.engine.dialect.name}; Redis: {redis_url or 'not set (skipped)'}; "
        f"median of {LOOKUPS} runs; load average before: {load} ({os.cpu_count()} cores)\n"
    )
    print("| back end | measure | 1k | 10k | 100k | 100k / 1k | verdict |")
    print("|---|---|---|---|---|---|---|")
    sql = SqlRanking()
    _report("SQL", _full_board(sql), _growth(sql))
    if redis_url:
        client = redis.Redis.from_url(redis_url, decode_responses=True)
        prefix = f"bench:{uuid.uuid4().hex}:"
        try:
            in_redis = RedisRanking(client, prefix)
            _report("Redis", _full_board(in_redis), _growth(in_redis))
        finally:
            keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)


if __name__ == "__main__":
    main()
