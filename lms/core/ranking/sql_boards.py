"""The SQL back end: rows of ``RankingEntry`` in the caller's transaction."""

from __future__ import annotations

import secrets
import threading
import time
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from lms.core.extensions import db
from lms.core.ranking.base import (
    SCORE_OFFSET,
    SCORE_SCALE,
    TIME_BITS,
    VERSION_MEMBER_ID,
    Ranked,
    Ranking,
    Standing,
    checked,
    order_key,
    rank_rows,
)
from lms.core.ranking.model import RankingEntry

_ORDER = (
    RankingEntry.score.desc(),
    RankingEntry.time_used_ms,
    RankingEntry.finished_at_ms,
    RankingEntry.member_id,
)
_COLUMNS = (
    RankingEntry.member_id,
    RankingEntry.score,
    RankingEntry.time_used_ms,
    RankingEntry.finished_at_ms,
)
_INSERT = (
    "INSERT INTO ranking_entries (board, member_id, score, time_used_ms, finished_at_ms)"
    " VALUES (?, ?, ?, ?, ?)"
)
_COPY = (  # PostgreSQL: COPY writes a whole board twice as fast as any INSERT
    "COPY ranking_entries (board, member_id, score, time_used_ms, finished_at_ms) FROM STDIN"
)
_KEYS = "SELECT score, time_used_ms, finished_at_ms FROM ranking_entries WHERE board = ?"
_WRITTEN = "lms_ranking_written"  # boards this session's transaction changed
# A board at least this large that has not changed for SNAPSHOT_AFTER_SECONDS (a frozen, finished
# or quiet board) gets a sorted snapshot of its keys, which answers rank lookups by bisection until
# the next write. A board written continuously is counted instead, so it never pays for
# snapshots that would be out of date before they were used.
SNAPSHOT_MIN_MEMBERS = 5_000
SNAPSHOT_AFTER_SECONDS = 2.0
_SNAPSHOTS_KEPT = 16


class _Snapshot(NamedTuple):
    token: tuple[str, str, float, int]  # database, board, version, the version row's nonce
    keys: list[int]


_snapshots: OrderedDict[str, _Snapshot] = OrderedDict()
_snapshots_lock = threading.Lock()
_first_seen: dict[str, tuple[tuple[str, str, float, int], float]] = {}


def _sort_key(score: float, time_used_ms: int, finished_at_ms: int) -> int:
    """One integer per ranking key, smaller is better, equal for exact ties."""
    hundredths = SCORE_OFFSET - round(score * SCORE_SCALE)
    return (((hundredths << TIME_BITS) | time_used_ms) << 50) | finished_at_ms


@event.listens_for(Session, "after_transaction_end")
def _forget_written(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WRITTEN, None)


class SqlRanking(Ranking):
    """Rows of ``RankingEntry`` in the caller's session: flushed, never committed.

    A hidden row per board (member id -1) holds the version in ``score``, the number of members
    in ``time_used_ms`` and a random nonce, drawn when the row is created, in
    ``finished_at_ms``; writes update it in the same transaction, so the version and the count
    are exact and shared by every worker. A rank is one plus the number of better rows, counted
    through the index ``(board, score, time_used_ms, finished_at_ms)`` (cost grows with the
    rank), or found by bisection in a per-process snapshot of a large board's keys that is only
    used while the board's version, nonce and database are unchanged.
    """

    def _meta(self, board: str) -> Standing | None:
        """The version row, read afresh (never from the session's identity map)."""
        query = select(*_COLUMNS).where(
            RankingEntry.board == board, RankingEntry.member_id == VERSION_MEMBER_ID
        )
        row = db.session.execute(query).first()
        return Standing._make(row) if row is not None else None

    def _bump(self, board: str, *, added: int = 0, count: int | None = None) -> None:
        """Add one to the version and ``added`` to the count (or set it), atomically in SQL,
        so concurrent transactions on PostgreSQL never lose an increment."""
        db.session.info.setdefault(_WRITTEN, set()).add(board)
        table = RankingEntry.__table__
        upsert = (
            postgresql.insert
            if db.session.get_bind().dialect.name == "postgresql"
            else sqlite.insert
        )
        first_count = count if count is not None else max(added, 0)
        statement = upsert(table).values(
            board=board,
            member_id=VERSION_MEMBER_ID,
            score=1.0,
            time_used_ms=first_count,
            finished_at_ms=_nonce(),
        )
        new_count = count if count is not None else table.c.time_used_ms + added
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.board, table.c.member_id],
                set_={"score": table.c.score + 1, "time_used_ms": new_count},
            )
        )

    def record(self, board: str, standing: Standing) -> None:
        standing = checked(standing)
        row = db.session.get(RankingEntry, (board, standing.member_id))
        added = 0
        if row is None:
            row, added = RankingEntry(board=board, member_id=standing.member_id), 1
            db.session.add(row)
        row.score = standing.score
        row.time_used_ms = standing.time_used_ms
        row.finished_at_ms = standing.finished_at_ms
        db.session.flush()
        self._bump(board, added=added)

    def remove(self, board: str, member_id: int) -> None:
        row = db.session.get(RankingEntry, (board, member_id)) if member_id >= 0 else None
        if row is not None:
            db.session.delete(row)
        db.session.flush()
        self._bump(board, added=-1 if row is not None else 0)

    def replace_all(self, board: str, standings: Iterable[Standing]) -> None:
        rows = {s.member_id: checked(s) for s in standings}
        db.session.flush()
        self._bump(board, count=len(rows))
        db.session.execute(
            delete(RankingEntry).where(RankingEntry.board == board, RankingEntry.member_id >= 0)
        )
        values = list(rows.values())
        # Straight to the driver: 10,000 rows in milliseconds, not SQLAlchemy's tenths.
        if not values:
            return
        if db.session.get_bind().dialect.name == "postgresql":
            driver = db.session.connection().connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
                for row in values:
                    copy.write_row((board, *row))
        else:
            _driver_rows(_INSERT, [(board, *row) for row in values])

    def version(self, board: str) -> int:
        meta = self._meta(board)
        return int(meta.score) if meta is not None else 0

    def count(self, board: str) -> int:
        meta = self._meta(board)
        return int(meta.time_used_ms) if meta is not None else 0

    def _better(self, board: str, row: Standing) -> int:
        """How many members rank strictly above ``row``."""
        meta = self._meta(board)
        if meta is None:
            return 0
        keys = self._snapshot(board, meta)
        if keys is not None:
            return bisect_left(keys, _sort_key(row.score, row.time_used_ms, row.finished_at_ms))
        entry = RankingEntry
        on_board = entry.board == board
        same_score = and_(on_board, entry.score == row.score)
        counts = select(
            select(func.count()).where(on_board, entry.score > row.score).scalar_subquery(),
            select(func.count()).where(same_score, entry.time_used_ms < row.time_used_ms)
            .scalar_subquery(),
            select(func.count()).where(same_score, entry.time_used_ms == row.time_used_ms,
                                       entry.finished_at_ms < row.finished_at_ms)
            .scalar_subquery(),
        )  # fmt: skip
        better = sum(db.session.execute(counts).one())
        if order_key(meta) < order_key(row):
            better -= 1  # the hidden version row was counted
        return better

    def _snapshot(self, board: str, meta: Standing) -> list[int] | None:
        """The board's sorted keys when a snapshot is current or worth taking, else None."""
        if board in db.session.info.get(_WRITTEN, ()) or meta.time_used_ms < SNAPSHOT_MIN_MEMBERS:
            return None  # uncommitted writes of ours, or small enough to count
        token = (str(db.engine.url), board, meta.score, meta.finished_at_ms)
        name = f"{token[0]}\n{board}"
        with _snapshots_lock:
            snapshot = _snapshots.get(name)
            if snapshot is not None and snapshot.token == token:
                _snapshots.move_to_end(name)
                return snapshot.keys
            seen = _first_seen.get(name)
            if seen is None or seen[0] != token:
                if len(_first_seen) > 10_000:  # boards come and go; forget the old ones
                    _first_seen.clear()
                _first_seen[name] = seen = (token, time.monotonic())
            if time.monotonic() - seen[1] < SNAPSHOT_AFTER_SECONDS:
                return None
        # The whole board through the covering index, version row included, then taken out.
        keys = sorted(_sort_key(*row) for row in _driver_rows(_KEYS, (board,)))
        version_row = bisect_left(keys, _sort_key(*meta[1:]))
        if version_row == len(keys) or keys[version_row] != _sort_key(*meta[1:]):
            return None  # the board changed under us (read committed): count this time
        del keys[version_row]
        with _snapshots_lock:
            _snapshots[name] = _Snapshot(token, keys)
            _snapshots.move_to_end(name)
            while len(_snapshots) > _SNAPSHOTS_KEPT:
                _snapshots.popitem(last=False)
        return keys

    def _page(self, board: str, limit: int, offset: int) -> list[Standing]:
        query = (
            select(*_COLUMNS)
            # "+ 0": filter the version row without steering the planner to the primary key
            .where(RankingEntry.board == board, RankingEntry.member_id + 0 >= 0)
            .order_by(*_ORDER)
            .limit(limit)
            .offset(offset)
        )
        return [Standing._make(row) for row in db.session.execute(query)]

    def _ranked_page(self, board: str, limit: int, offset: int) -> list[Ranked]:
        rows = self._page(board, limit, offset) if limit > 0 else []
        if not rows:
            return []
        first_rank = 1 if offset == 0 else self._better(board, rows[0]) + 1
        return rank_rows(rows, first_rank, offset)

    def top(self, board: str, limit: int, offset: int = 0) -> list[Ranked]:
        return self._ranked_page(board, limit, max(offset, 0))

    def rank_of(self, board: str, member_id: int) -> Ranked | None:
        row = db.session.get(RankingEntry, (board, member_id)) if member_id >= 0 else None
        if row is None:
            return None
        standing = _standing(row)
        return Ranked(self._better(board, standing) + 1, *standing)

    def around(self, board: str, member_id: int, neighbours: int) -> list[Ranked]:
        row = db.session.get(RankingEntry, (board, member_id)) if member_id >= 0 else None
        if row is None:
            return []
        me = _standing(row)
        better = self._better(board, me)
        tied_before = db.session.scalar(
            select(func.count()).where(
                RankingEntry.board == board,
                RankingEntry.score == me.score,
                RankingEntry.time_used_ms == me.time_used_ms,
                RankingEntry.finished_at_ms == me.finished_at_ms,
                RankingEntry.member_id >= 0,
                RankingEntry.member_id < member_id,
            )
        )
        position = better + int(tied_before or 0)
        start = max(0, position - max(neighbours, 0))
        return self._ranked_page(board, position - start + max(neighbours, 0) + 1, start)


def _driver_rows(statement: str, parameters: Any) -> Any:
    """Run a fixed statement through the driver directly: many rows at the driver's speed."""
    if db.session.get_bind().dialect.paramstyle != "qmark":
        statement = statement.replace("?", "%s")
    return db.session.connection().exec_driver_sql(statement, parameters)


def _nonce() -> int:
    return secrets.randbelow(2**48)


def _standing(row: RankingEntry) -> Standing:
    return Standing(row.member_id, row.score, row.time_used_ms, row.finished_at_ms)
