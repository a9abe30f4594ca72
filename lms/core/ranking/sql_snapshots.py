"""Per-process snapshots of large SQL boards: their sorted ranking keys, kept current from the
board's change log (``RankingChange``), so a rank is found by bisection at any board size.

A snapshot belongs to one database, board and generation, and is exact for one
board version. A reader that sees a newer version fetches the changes in between (one indexed
query), applies them with bisection and answers; when changes are missing (the board was
rebuilt, the log was pruned, a write was not logged) it reads the whole board again.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, NamedTuple

from lms.core.extensions import db
from lms.core.ranking.base import SCORE_OFFSET, SCORE_SCALE, TIME_BITS

# Boards this large get a snapshot; smaller ones are counted in SQL. Writers log their changes
# from half this size, so a board that grows into a snapshot already has its log.
SNAPSHOT_MIN_MEMBERS = 5_000
CHANGES_KEPT = 2_000  # per board; a reader further behind reads the whole board again
PRUNE_EVERY = 250  # writes between two prunings of a board's log
_SNAPSHOTS_KEPT = 16

SEPARATOR = "\x1f"  # between a board's name and its generation, in member rows
_KEYS = "SELECT score, time_used_ms, finished_at_ms FROM ranking_entries WHERE board IN (?, ?)"
_CHANGES = (
    "SELECT seq, old_score, old_time_used_ms, old_finished_at_ms,"
    " new_score, new_time_used_ms, new_finished_at_ms"
    " FROM ranking_changes WHERE board = ? AND seq > ? AND seq <= ? ORDER BY seq"
)


class Meta(NamedTuple):
    """A board's hidden version row: the version, the member count and the generation, drawn
    when the board is created or rebuilt (a new generation is a different board to snapshots)."""

    version: int
    count: int
    generation: int


def members_of(board: str, meta: Meta) -> str:
    """The name the board's member rows are filed under in this generation."""
    return f"{board}{SEPARATOR}{meta.generation}"


class _Snapshot:
    __slots__ = ("keys", "version")

    def __init__(self, version: int, keys: list[int]) -> None:
        self.version = version
        self.keys = keys


_snapshots: OrderedDict[tuple[str, str, int], _Snapshot] = OrderedDict()
_lock = threading.Lock()


def sort_key(score: float, time_used_ms: int, finished_at_ms: int) -> int:
    """One integer per ranking key, smaller is better, equal for exact ties."""
    hundredths = SCORE_OFFSET - round(score * SCORE_SCALE)
    return (((hundredths << TIME_BITS) | time_used_ms) << 50) | finished_at_ms


def better_than(board: str, meta: Meta, key: int) -> int | None:
    """How many members of the committed board at ``meta.version`` have a smaller key, or None
    when the board is small (count it in SQL) or this reader's view is older than the snapshot."""
    if meta.count < SNAPSHOT_MIN_MEMBERS:
        return None
    name = (str(db.engine.url), board, meta.generation)
    with _lock:
        snapshot = _snapshots.get(name)
        since = snapshot.version if snapshot is not None else -CHANGES_KEPT - 1
    changes = []
    if since < meta.version <= since + CHANGES_KEPT:
        changes = _driver_rows(_CHANGES, (board, since, meta.version)).all()
    with _lock:  # bisection too: other threads change the keys in place
        if snapshot is not None and _snapshots.get(name) is snapshot:
            _snapshots.move_to_end(name)
            if snapshot.version > meta.version:
                return None  # another reader went further meanwhile
            if _catch_up(snapshot, changes, meta.version):
                return bisect_left(snapshot.keys, key)
            del _snapshots[name]
    return _take(name, board, meta, key)


def _take(name: tuple[str, str, int], board: str, meta: Meta, key: int) -> int | None:
    """Read the whole board into a new snapshot and answer from it."""
    keys = _read_board(board, meta)
    if keys is None:
        return None
    with _lock:
        current = _snapshots.get(name)
        if current is None or current.version < meta.version:
            _snapshots[name] = _Snapshot(meta.version, keys)
            _snapshots.move_to_end(name)
            while len(_snapshots) > _SNAPSHOTS_KEPT:
                _snapshots.popitem(last=False)
        return bisect_left(keys, key)


def _catch_up(snapshot: _Snapshot, changes: list[Any], version: int) -> bool:
    """Apply the changes after the snapshot's version up to ``version``; False when one is
    missing or does not fit (the snapshot may then be half-applied and must be dropped)."""
    keys, expected = snapshot.keys, snapshot.version + 1
    for seq, *old_and_new in changes:
        if seq < expected:
            continue  # another thread applied it already
        if seq != expected:
            return False
        old_score, old_time, old_finished, new_score, new_time, new_finished = old_and_new
        if old_score is not None:
            old = sort_key(old_score, old_time, old_finished)
            at = bisect_left(keys, old)
            if at == len(keys) or keys[at] != old:
                return False
            del keys[at]
        if new_score is not None:
            insort(keys, sort_key(new_score, new_time, new_finished))
        snapshot.version, expected = seq, seq + 1
    return snapshot.version == version


def _read_board(board: str, meta: Meta) -> list[int] | None:
    """The board's sorted keys at ``meta``'s version, or None when it has changed since."""
    keys = sorted([sort_key(*row) for row in fetch_all(_KEYS, (board, members_of(board, meta)))])
    # The version row is among them (one read through the covering index); it proves the
    # read saw exactly this version, and is taken out.
    version_row = sort_key(float(meta.version), meta.count, meta.generation)
    at = bisect_left(keys, version_row)
    if at == len(keys) or keys[at] != version_row:
        return None
    del keys[at]
    return keys


def forget() -> None:
    """Drop every snapshot (tests and benchmarks)."""
    with _lock:
        _snapshots.clear()


def fetch_all(statement: str, parameters: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows as plain tuples straight from the driver's cursor (binary on PostgreSQL), for the
    large reads: SQLAlchemy's result rows (and its cursor events) would double their cost."""
    connection = db.session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        statement = statement.replace("?", "%s")
        with driver.cursor(binary=True) as cursor:
            _announce(connection, cursor, statement, parameters)
            cursor.execute(statement, parameters)
            return cursor.fetchall()
    cursor = driver.cursor()
    try:
        _announce(connection, cursor, statement, parameters)
        cursor.execute(statement, parameters)
        return cursor.fetchall()
    finally:
        cursor.close()


def _announce(connection: Any, cursor: Any, statement: str, parameters: Any) -> None:
    """Statement counters and loggers listen to SQLAlchemy's cursor events: they see these
    driver-level reads too."""
    connection.dispatch.before_cursor_execute(
        connection, cursor, statement, parameters, None, False
    )


def _driver_rows(statement: str, parameters: Any) -> Any:
    """Run a fixed statement through the driver directly: many rows at the driver's speed."""
    if db.session.get_bind().dialect.paramstyle != "qmark":
        statement = statement.replace("?", "%s")
    return db.session.connection().exec_driver_sql(statement, parameters)
