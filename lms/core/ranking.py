"""Leaderboards: one interface, an SQL back end (default) and a Redis sorted-set back end
(when ``LMS_REDIS_URL`` is set). They hold ids and scores only; both rank the same way:
score descending, then time used ascending, then finishing time ascending, and an exact tie
shares its rank (1, 2, 2, 4).
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, NamedTuple

import redis
from flask import current_app
from sqlalchemy import BigInteger, Float, Index, String, and_, delete, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from lms.core.extensions import db
from lms.core.pubsub import after_commit, redis_client


class RankingEntry(db.Model):
    """The SQL back end's rows: one per board and member (a person or a unit)."""

    __tablename__ = "ranking_entries"
    __table_args__ = (
        Index("ix_ranking_entries_order", "board", "score", "time_used_ms", "finished_at_ms"),
    )

    board: Mapped[str] = mapped_column(String(80), primary_key=True)
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    time_used_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    finished_at_ms: Mapped[int] = mapped_column(BigInteger, default=0)


# -- the interface ---------------------------------------------------------------------------

SCORE_SCALE = 100  # scores are kept to 1/100
TIME_BITS = 30
MAX_TIME_USED_MS = 2**TIME_BITS - 1  # about 12.4 days
_SCORE_OFFSET = 2**22
MIN_SCORE = -_SCORE_OFFSET / SCORE_SCALE  # -41,943.04
MAX_SCORE = (_SCORE_OFFSET - 1) / SCORE_SCALE  # 41,943.03: (score, time) packs below 2**53
MAX_FINISHED_AT_MS = 10**15 - 1  # epoch milliseconds until the year 33658
MAX_MEMBER_ID = 10**15 - 1
VERSION_MEMBER_ID = -1  # the SQL back end's hidden row holding a board's version


class RankingError(ValueError):
    """A standing the boards cannot hold exactly (see the limits above)."""


class Standing(NamedTuple):
    member_id: int
    score: float
    time_used_ms: int = 0
    finished_at_ms: int = 0


class Ranked(NamedTuple):
    rank: int
    member_id: int
    score: float
    time_used_ms: int
    finished_at_ms: int


def _hundredths(score: float) -> int:
    if not math.isfinite(score):
        raise RankingError(f"score {score!r} is not a number")
    scaled = round(score * SCORE_SCALE)
    if abs(score * SCORE_SCALE - scaled) > 1e-6 * max(1.0, abs(scaled)):
        raise RankingError(f"score {score!r} has more than two decimals")
    if not MIN_SCORE * SCORE_SCALE <= scaled <= MAX_SCORE * SCORE_SCALE:
        raise RankingError(f"score {score!r} is outside [{MIN_SCORE}, {MAX_SCORE}]")
    return scaled


def checked(standing: Standing) -> Standing:
    """The standing with its score quantised to 1/100, or RankingError past the limits."""
    member_id, score, time_used_ms, finished_at_ms = standing
    if not 0 <= member_id <= MAX_MEMBER_ID:
        raise RankingError(f"member id {member_id} is outside [0, {MAX_MEMBER_ID}]")
    if not 0 <= time_used_ms <= MAX_TIME_USED_MS:
        raise RankingError(f"time used {time_used_ms} ms is outside [0, 2**30)")
    if not 0 <= finished_at_ms <= MAX_FINISHED_AT_MS:
        raise RankingError(f"finishing time {finished_at_ms} ms is out of range")
    return Standing(member_id, _hundredths(score) / SCORE_SCALE, int(time_used_ms),
                    int(finished_at_ms))  # fmt: skip


def _key(standing: Standing | Ranked) -> tuple[float, int, int]:
    """Sorts best first; equal keys share a rank."""
    return (-standing.score, standing.time_used_ms, standing.finished_at_ms)


def _ranked(rows: Iterable[Standing], first_rank: int, first_position: int) -> list[Ranked]:
    """Ranks for consecutive rows in board order; the first row's rank is given."""
    result: list[Ranked] = []
    rank, previous = first_rank, None
    for position, (member_id, score, time_used_ms, finished_at_ms) in enumerate(
        rows, first_position + 1
    ):
        key = (score, time_used_ms, finished_at_ms)
        if previous is not None and key != previous:
            rank = position
        previous = key
        result.append(Ranked(rank, member_id, score, time_used_ms, finished_at_ms))
    return result


class Ranking(ABC):
    """A family of boards named by strings (e.g. ``competition:7:people``).

    Writes join the caller's database transaction: visible to everyone once it commits, never
    if it rolls back. ``version(board)`` changes on every write, in every worker.
    """

    @abstractmethod
    def record(self, board: str, standing: Standing) -> None:
        """Put the member on the board, or move them to their new standing."""

    @abstractmethod
    def remove(self, board: str, member_id: int) -> None:
        """Take the member off the board (nothing happens if they are not on it)."""

    @abstractmethod
    def top(self, board: str, limit: int, offset: int = 0) -> list[Ranked]:
        """``limit`` entries from position ``offset`` (0 = the best), best first."""

    @abstractmethod
    def rank_of(self, board: str, member_id: int) -> Ranked | None:
        """The member's place, or None when they are not on the board."""

    @abstractmethod
    def around(self, board: str, member_id: int, neighbours: int) -> list[Ranked]:
        """Up to ``neighbours`` entries each side of the member, and the member; [] if absent."""

    @abstractmethod
    def count(self, board: str) -> int:
        """How many members the board holds."""

    @abstractmethod
    def replace_all(self, board: str, standings: Iterable[Standing]) -> None:
        """Make the board hold exactly ``standings``, in one step."""

    @abstractmethod
    def version(self, board: str) -> int:
        """A number that grows with every write to the board (0 for a board never written)."""


def get_ranking() -> Ranking:
    """The Redis back end when ``LMS_REDIS_URL`` is set, else the SQL one."""
    client = redis_client()
    if client is None:
        return SqlRanking()
    prefix = current_app.config.get("RANKING_PREFIX", DEFAULT_REDIS_PREFIX)
    return RedisRanking(client, prefix)


# -- SQL -------------------------------------------------------------------------------------

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
_KEYS = (
    "SELECT score, time_used_ms, finished_at_ms FROM ranking_entries"
    " WHERE board = ? AND member_id >= 0"
)
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
    hundredths = _SCORE_OFFSET - round(score * SCORE_SCALE)
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
        if _key(meta) < _key(row):
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
                _first_seen[name] = seen = (token, time.monotonic())
            if time.monotonic() - seen[1] < SNAPSHOT_AFTER_SECONDS:
                return None
        keys = sorted(_sort_key(*row) for row in _driver_rows(_KEYS, (board,)))
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
        return _ranked(rows, first_rank, offset)

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


# -- Redis -----------------------------------------------------------------------------------

DEFAULT_REDIS_PREFIX = "lms:ranking:"
_ID_WIDTH = 15
_TIME_MASK = 2**TIME_BITS - 1

# Every script keeps a board's sorted set (KEYS[1]) and its member index (KEYS[2]) in step.
_RECORD = """
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then redis.call('ZREM', KEYS[1], old) end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return redis.call('INCR', KEYS[3])
"""
_REMOVE = """
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  redis.call('ZREM', KEYS[1], old)
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return redis.call('INCR', KEYS[3])
"""
# ARGV[1]: "id member zscore\n" per member; the whole board is swapped in one atomic step.
_REPLACE = """
redis.call('DEL', KEYS[1], KEYS[2])
local scored, named = {}, {}
local function flush()
  if #scored > 0 then
    redis.call('ZADD', KEYS[1], unpack(scored))
    redis.call('HSET', KEYS[2], unpack(named))
    scored, named = {}, {}
  end
end
for id, member, score in string.gmatch(ARGV[1], '(%d+) (%d+) (%d+)\\n') do
  scored[#scored + 1] = score
  scored[#scored + 1] = member
  named[#named + 1] = id
  named[#named + 1] = member
  if #scored >= 2000 then flush() end
end
flush()
return redis.call('INCR', KEYS[3])
"""
# How many members rank strictly above a (zset score, finishing time): a sentinel member that
# sorts just before everyone with that score and finishing time is added, ranked and removed
# inside the script (atomic, so no reader ever sees it): O(log n) however large the tie.
_BETTER = """
local function better(score, member)
  local sentinel = string.sub(member, 1, WIDTH) .. '~'
  redis.call('ZADD', KEYS[1], score, sentinel)
  local position = redis.call('ZREVRANK', KEYS[1], sentinel)
  redis.call('ZREM', KEYS[1], sentinel)
  return position
end
""".replace("WIDTH", str(_ID_WIDTH))
# ARGV: 'top', offset, limit | 'around', member id, neighbours | 'rank', member id.
# Returns {start, better-than-first, "member score member score ..."}, or {} when absent.
_READ = (
    _BETTER
    + """
local start, stop
if ARGV[1] == 'top' then
  start = tonumber(ARGV[2])
  stop = start + tonumber(ARGV[3]) - 1
else
  local member = redis.call('HGET', KEYS[2], ARGV[2])
  if not member then return {} end
  local position = redis.call('ZREVRANK', KEYS[1], member)
  if ARGV[1] == 'rank' then
    local score = redis.call('ZSCORE', KEYS[1], member)
    return {position, better(score, member), member, score}
  end
  start = math.max(0, position - tonumber(ARGV[3]))
  stop = position + tonumber(ARGV[3])
end
if stop < start then return {} end
local items = redis.call('ZREVRANGE', KEYS[1], start, stop, 'WITHSCORES')
if #items == 0 then return {} end
local first = 0
if start > 0 then first = better(items[2], items[1]) end
return {start, first, table.concat(items, ' ')}
"""
)


def _member(standing: Standing) -> str:
    """Equal zset scores order by member, descending: earlier finishers and lower ids first."""
    return (
        f"{MAX_FINISHED_AT_MS - standing.finished_at_ms:0{_ID_WIDTH}d}"
        f"{MAX_MEMBER_ID - standing.member_id:0{_ID_WIDTH}d}"
    )


def _zscore(standing: Standing) -> int:
    """Score and time used packed exactly into one integer below 2**53, higher is better."""
    hundredths = round(standing.score * SCORE_SCALE) + _SCORE_OFFSET
    return (hundredths << TIME_BITS) | (MAX_TIME_USED_MS - standing.time_used_ms)


def _decode(member: str, zscore: str | float) -> Standing:
    packed = int(float(zscore))
    return Standing(
        MAX_MEMBER_ID - int(member[_ID_WIDTH:]),
        ((packed >> TIME_BITS) - _SCORE_OFFSET) / SCORE_SCALE,
        MAX_TIME_USED_MS - (packed & _TIME_MASK),
        MAX_FINISHED_AT_MS - int(member[:_ID_WIDTH]),
    )


class RedisRanking(Ranking):
    """A sorted set per board plus a hash from member id to its sorted-set member.

    The zset score packs (score in hundredths, time used in ms) into an integer below 2**53,
    so it is exact; members with the same zset score sort by their name, which spells the
    finishing time and the member id. Writes wait for the database commit
    (``lms.core.pubsub.after_commit``); reads see committed writes only.
    """

    def __init__(self, client: redis.Redis, prefix: str = DEFAULT_REDIS_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self._record = client.register_script(_RECORD)
        self._remove = client.register_script(_REMOVE)
        self._read = client.register_script(_READ)
        self._replace = client.register_script(_REPLACE)

    def _keys(self, board: str) -> tuple[str, str, str]:
        base = f"{self.prefix}{board}"
        return f"{base}:z", f"{base}:m", f"{base}:v"

    def record(self, board: str, standing: Standing) -> None:
        standing = checked(standing)
        keys = self._keys(board)
        args = (standing.member_id, _member(standing), _zscore(standing))
        after_commit(lambda: self._record(keys=keys, args=args))

    def remove(self, board: str, member_id: int) -> None:
        keys = self._keys(board)
        after_commit(lambda: self._remove(keys=keys, args=(member_id,)))

    def replace_all(self, board: str, standings: Iterable[Standing]) -> None:
        rows = {s.member_id: checked(s) for s in standings}
        payload = "".join(f"{s.member_id} {_member(s)} {_zscore(s)}\n" for s in rows.values())
        keys = self._keys(board)
        after_commit(lambda: self._replace(keys=keys, args=(payload,)))

    def version(self, board: str) -> int:
        return int(self.client.get(self._keys(board)[2]) or 0)

    def count(self, board: str) -> int:
        return int(self.client.zcard(self._keys(board)[0]))

    def _page(self, board: str, *args: object) -> list[Ranked]:
        reply = self._read(keys=self._keys(board)[:2], args=args)
        if len(reply) < 3 or not reply[2]:
            return []
        start, better, items = int(reply[0]), int(reply[1]), reply[2].split(" ")
        rows = [_decode(items[i], items[i + 1]) for i in range(0, len(items), 2)]
        return _ranked(rows, better + 1, start)

    def top(self, board: str, limit: int, offset: int = 0) -> list[Ranked]:
        return self._page(board, "top", max(offset, 0), max(limit, 0))

    def rank_of(self, board: str, member_id: int) -> Ranked | None:
        reply = self._read(keys=self._keys(board)[:2], args=("rank", member_id))
        if not reply:
            return None
        standing = _decode(reply[2], reply[3])
        return Ranked(int(reply[1]) + 1, *standing)

    def around(self, board: str, member_id: int, neighbours: int) -> list[Ranked]:
        return self._page(board, "around", member_id, max(neighbours, 0))
