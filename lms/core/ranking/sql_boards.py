"""The SQL back end: rows of ``RankingEntry`` in the caller's transaction."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    String,
    bindparam,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from lms.core.db import execute_alone
from lms.core.extensions import db
from lms.core.ranking import sql_snapshots
from lms.core.ranking.base import (
    VERSION_MEMBER_ID,
    Ranked,
    Ranking,
    Standing,
    checked,
    checked_all,
    checked_board,
    rank_rows,
)
from lms.core.ranking.model import RankingChange, RankingEntry
from lms.core.ranking.sql_snapshots import Meta, better_than, fetch_all, members_of, sort_key

_ENTRIES = RankingEntry.__table__
_CHANGES = RankingChange.__table__
_KEY = (_ENTRIES.c.score, _ENTRIES.c.time_used_ms, _ENTRIES.c.finished_at_ms)
_KEY_NAMES = ("score", "time_used_ms", "finished_at_ms")
_COLUMNS = (_ENTRIES.c.member_id, *_KEY)
_INSERT = (
    "INSERT INTO ranking_entries (board, member_id, score, time_used_ms, finished_at_ms)"
    " VALUES (?, ?, ?, ?, ?)"
)
_COPY = (  # PostgreSQL: COPY writes a whole board twice as fast as any INSERT
    "COPY ranking_entries (board, member_id, score, time_used_ms, finished_at_ms) FROM STDIN"
)
_PAGE = (
    "SELECT member_id, score, time_used_ms, finished_at_ms FROM ranking_entries WHERE board = "
    "{members} ORDER BY score DESC, time_used_ms, finished_at_ms, member_id LIMIT ? OFFSET ?"
)
# A member's neighbours, read from their row along the index ``ix_ranking_entries_rank``: the
# rows ranked before it, nearest first (``_ABOVE``), and the row itself with the rows after it
# (``_BELOW``, the same condition negated). Parameters: ``_from_row``, then the limit.
_ABOVE = (
    "SELECT member_id, score, time_used_ms, finished_at_ms FROM ranking_entries"
    " WHERE board = ? AND score >= ? AND (score > ? OR (score = ? AND (time_used_ms < ?"
    " OR (time_used_ms = ? AND (finished_at_ms < ? OR (finished_at_ms = ? AND member_id < ?))))))"
    " ORDER BY score, time_used_ms DESC, finished_at_ms DESC, member_id DESC LIMIT ?"
)
_BELOW = (
    "SELECT member_id, score, time_used_ms, finished_at_ms FROM ranking_entries"
    " WHERE board = ? AND score <= ? AND NOT (score > ? OR (score = ? AND (time_used_ms < ?"
    " OR (time_used_ms = ? AND (finished_at_ms < ? OR (finished_at_ms = ? AND member_id < ?))))))"
    " ORDER BY score DESC, time_used_ms, finished_at_ms, member_id LIMIT ?"
)
_TIED_BEFORE = (
    "SELECT count(*) FROM ranking_entries WHERE board = ? AND score = ? AND time_used_ms = ?"
    " AND finished_at_ms = ? AND member_id < ?"
)
_MEMBERS_NOW = (  # the member rows' board name, from the version row, inside the statement
    "(SELECT board || ? || CAST(finished_at_ms AS VARCHAR(20)) FROM ranking_entries"
    " WHERE board = ? AND member_id = -1)"
)
_WRITTEN = "lms_ranking_written"  # boards this session's transaction changed


@event.listens_for(Session, "after_transaction_end")
def _forget_written(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WRITTEN, None)


class SqlRanking(Ranking):
    """Rows of ``RankingEntry`` in the caller's session: written, never committed.

    A hidden row per board (its own name, member id -1) holds the version in ``score``, the
    number of members in ``time_used_ms`` and the generation, a random number drawn when the
    board is created or rebuilt, in ``finished_at_ms``. Member rows are filed under the board
    name plus the generation (``members_of``): a rebuild writes keys no dead row of the old
    board holds, which PostgreSQL inserts in about half the time it takes for keys that it must
    check against dead rows.

    Every write first bumps the version row (so writers of one board queue on its row lock
    until they commit, and versions follow commit order), then reads the member's current row,
    writes it, and, on a large board, logs the change under the new version
    (``RankingChange``). A rank is one plus the number of better rows: counted through the
    index ``ix_ranking_entries_rank`` (the board's order) on small boards and by the writer's
    own transaction, found by bisection in a per-process snapshot on large ones
    (``sql_snapshots``).
    """

    def _lock(self, board: str) -> Meta:
        """Bump the version atomically in SQL: the row stays locked until the transaction
        ends, so concurrent writers never lose an increment. Answers the bumped row."""
        db.session.info.setdefault(_WRITTEN, set()).add(checked_board(board))
        upsert = (
            postgresql.insert
            if db.session.get_bind().dialect.name == "postgresql"
            else sqlite.insert
        )
        statement = upsert(_ENTRIES).values(
            board=board,
            member_id=VERSION_MEMBER_ID,
            score=1.0,
            time_used_ms=0,
            finished_at_ms=_generation(),
        )
        meta = _meta_of(
            db.session.execute(
                statement.on_conflict_do_update(
                    index_elements=[_ENTRIES.c.board, _ENTRIES.c.member_id],
                    set_={"score": _ENTRIES.c.score + 1},
                ).returning(*_KEY)
            ).one()
        )
        if meta.version == 1:  # a new board: no log of an earlier board of that name
            db.session.execute(delete(_CHANGES).where(_CHANGES.c.board == board))
        return meta

    def _set(self, board: str, **values: Any) -> Meta:
        """Change the (locked) version row's count or generation."""
        statement = (
            update(_ENTRIES)
            .where(_ENTRIES.c.board == board, _ENTRIES.c.member_id == VERSION_MEMBER_ID)
            .values(**values)
            .returning(*_KEY)
        )
        return _meta_of(db.session.execute(statement).one())

    def _log(self, board: str, meta: Meta, old: Standing | None, new: Standing | None) -> None:
        """Record the change for snapshots, on boards large enough to have them."""
        if meta.count < sql_snapshots.SNAPSHOT_MIN_MEMBERS // 2:
            return  # readers count; a snapshot taken later starts after this version
        values: dict[str, Any] = {"board": board, "seq": meta.version}
        if old is not None:
            values.update(old_score=old.score, old_time_used_ms=old.time_used_ms,
                          old_finished_at_ms=old.finished_at_ms)  # fmt: skip
        if new is not None:
            values.update(new_score=new.score, new_time_used_ms=new.time_used_ms,
                          new_finished_at_ms=new.finished_at_ms)  # fmt: skip
        db.session.execute(insert(_CHANGES).values(values))
        if meta.version % sql_snapshots.PRUNE_EVERY == 0:
            db.session.execute(
                delete(_CHANGES).where(
                    _CHANGES.c.board == board,
                    _CHANGES.c.seq <= meta.version - sql_snapshots.CHANGES_KEPT,
                )
            )

    def _row(self, members: str, member_id: int) -> Standing | None:
        """The member's current row, read afresh (after ``_lock``: the latest committed)."""
        if member_id < 0:
            return None
        query = select(*_COLUMNS).where(
            _ENTRIES.c.board == members, _ENTRIES.c.member_id == member_id
        )
        row = db.session.execute(query).first()
        return Standing._make(row) if row is not None else None

    def record(self, board: str, standing: Standing) -> None:
        standing = checked(standing)
        meta = self._lock(board)
        members = members_of(board, meta)
        old = self._row(members, standing.member_id)
        key = {"score": standing.score, "time_used_ms": standing.time_used_ms,
               "finished_at_ms": standing.finished_at_ms}  # fmt: skip
        if old is None:
            db.session.execute(
                insert(_ENTRIES).values(board=members, member_id=standing.member_id, **key)
            )
            meta = self._set(board, time_used_ms=_ENTRIES.c.time_used_ms + 1)
        else:
            db.session.execute(
                update(_ENTRIES)
                .where(_ENTRIES.c.board == members, _ENTRIES.c.member_id == standing.member_id)
                .values(**key)
            )
        self._log(board, meta, old, standing)

    def remove(self, board: str, member_id: int) -> None:
        meta = self._lock(board)
        members = members_of(board, meta)
        old = self._row(members, member_id)
        if old is not None:
            db.session.execute(
                delete(_ENTRIES).where(
                    _ENTRIES.c.board == members, _ENTRIES.c.member_id == member_id
                )
            )
            meta = self._set(board, time_used_ms=_ENTRIES.c.time_used_ms - 1)
        self._log(board, meta, old, None)

    def replace_all(self, board: str, standings: Iterable[Standing]) -> None:
        rows = checked_all(standings)
        old = self._lock(board)
        meta = self._set(board, time_used_ms=len(rows), finished_at_ms=_generation())
        db.session.execute(delete(_ENTRIES).where(_ENTRIES.c.board == members_of(board, old)))
        # Not logged: readers find the generation changed and read the new board whole.
        db.session.execute(delete(_CHANGES).where(_CHANGES.c.board == board))
        if not rows:
            return
        # Straight to the driver: 10,000 rows in milliseconds, not SQLAlchemy's tenths.
        members = members_of(board, meta)
        if db.session.get_bind().dialect.name == "postgresql":
            _copy(members, rows.values())
        else:
            connection = db.session.connection()
            connection.exec_driver_sql(_INSERT, [(members, *row) for row in rows.values()])

    def _meta(self, board: str) -> Meta | None:
        """The version row, read afresh."""
        row = db.session.execute(_META, {"board": board}).first()
        return _meta_of(row) if row is not None else None

    def _meta_and_row(self, board: str, member_id: int) -> tuple[Meta | None, Standing | None]:
        """The version row and the member's row, in one statement (so they agree)."""
        if member_id < 0:
            return self._meta(board), None
        values = {"board": board, "member_id": member_id}
        found = execute_alone(db.session(), _META_AND_ROW, values, lambda result: result.first())
        if found is None:
            return None, None
        row = Standing(member_id, *found[3:]) if found[3] is not None else None
        return _meta_of(found[:3]), row

    def version(self, board: str) -> int:
        meta = self._meta(board)
        return meta.version if meta is not None else 0

    def count(self, board: str) -> int:
        meta = self._meta(board)
        return meta.count if meta is not None else 0

    def _better(self, board: str, row: Standing, meta: Meta | None) -> int:
        """How many members rank strictly above ``row``."""
        if meta is None:
            return 0
        if board not in db.session.info.get(_WRITTEN, ()):  # else: our own writes, uncommitted
            known = better_than(board, meta, sort_key(*row[1:]))
            if known is not None:
                return known
        values = {"members": members_of(board, meta), **row._asdict()}
        return sum(db.session.execute(_BETTER, values).one())

    def _ranked_page(self, board: str, limit: int, offset: int, meta: Meta | None) -> list[Ranked]:
        """A page from ``offset``; ``meta`` is read first unless the page starts at the top."""
        if limit <= 0 or (offset > 0 and meta is None):
            return []
        if meta is None:
            statement, parameters = _PAGE.format(members=_MEMBERS_NOW), (_SEPARATOR, board)
        else:
            statement, parameters = _PAGE.format(members="?"), (members_of(board, meta),)
        rows: Sequence[Any] = fetch_all(statement, (*parameters, limit, offset))
        if not rows:
            return []
        if offset == 0:
            return rank_rows(rows, 1, 0)
        return rank_rows(rows, self._better(board, Standing._make(rows[0]), meta) + 1, offset)

    def top(self, board: str, limit: int, offset: int = 0) -> list[Ranked]:
        offset = max(offset, 0)
        return self._ranked_page(board, limit, offset, self._meta(board) if offset else None)

    def rank_of(self, board: str, member_id: int) -> Ranked | None:
        meta, row = self._meta_and_row(board, member_id)
        if meta is None or row is None:
            return None
        return Ranked(self._better(board, row, meta) + 1, *row)

    def around(self, board: str, member_id: int, neighbours: int) -> list[Ranked]:
        meta, me = self._meta_and_row(board, member_id)
        if meta is None or me is None:
            return []
        members, count = members_of(board, meta), max(neighbours, 0)
        # Read along the board-order index from the member's row, both ways: a few rows, not
        # the board sorted up to an offset.
        above = fetch_all(_ABOVE, (*_from_row(members, me), count)) if count else []
        below = fetch_all(_BELOW, (*_from_row(members, me), count + 1))
        rows = [*reversed(above), *below]
        tied_before = fetch_all(_TIED_BEFORE, (members, *me[1:], member_id))[0][0]
        first = Standing._make(rows[0])
        first_position = self._better(board, me, meta) + tied_before - len(above)
        return rank_rows(rows, self._better(board, first, meta) + 1, first_position)


_SEPARATOR = sql_snapshots.SEPARATOR


def _meta_and_row_statement() -> Any:
    version, member = _ENTRIES.alias("version"), _ENTRIES.alias("member")
    members = version.c.board + literal(_SEPARATOR) + cast(version.c.finished_at_ms, String)
    on_board = (member.c.board == members) & (member.c.member_id == bindparam("member_id"))
    return (
        select(*(version.c[name] for name in _KEY_NAMES), *(member.c[n] for n in _KEY_NAMES))
        .outerjoin(member, on_board)
        .where(version.c.board == bindparam("board"), version.c.member_id == VERSION_MEMBER_ID)
    )


def _better_statement() -> Any:
    """Three counts of the members above a row (binds ``members`` and the row's fields)."""
    columns = _ENTRIES.c
    on_board, score = columns.board == bindparam("members"), columns.score
    same_score = (on_board, score == bindparam("score"))
    same_time = (*same_score, columns.time_used_ms == bindparam("time_used_ms"))
    return select(
        select(func.count()).where(on_board, score > bindparam("score")).scalar_subquery(),
        select(func.count())
        .where(*same_score, columns.time_used_ms < bindparam("time_used_ms"))
        .scalar_subquery(),
        select(func.count())
        .where(*same_time, columns.finished_at_ms < bindparam("finished_at_ms"))
        .scalar_subquery(),
    )


# Built once: making these statements costs more CPU than running them (every leaderboard
# read with the viewer's own row asks).
_META = select(*_KEY).where(
    _ENTRIES.c.board == bindparam("board"), _ENTRIES.c.member_id == VERSION_MEMBER_ID
)
_META_AND_ROW = _meta_and_row_statement()
_BETTER = _better_statement()


def _from_row(members: str, row: Standing) -> tuple[Any, ...]:
    """The parameters of ``_ABOVE`` and ``_BELOW`` but the limit."""
    member_id, score, time_used, finished = row
    return (members, score, score, score, time_used, time_used, finished, finished, member_id)


def _meta_of(row: Any) -> Meta:
    version, count, generation = row
    return Meta(int(version), int(count), int(generation))


def _copy(members: str, rows: Iterable[Standing]) -> None:
    """COPY the rows in text format, formatted in one pass."""
    driver = db.session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
        if any(special in members for special in "\\\t\n\r"):
            for row in rows:
                copy.write_row((members, *row))
            return
        copy.write("".join([f"{members}\t{m}\t{s!r}\t{t}\t{f}\n" for m, s, t, f in rows]))


def _generation() -> int:
    return secrets.randbelow(2**48)
