"""Declarative base, a UTC datetime column type, a timestamp mixin and connection helpers."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, MetaData, bindparam, event, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator

from lms.core.clock import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always gives them back aware.

    SQLite keeps no offset, so a naive value read back is UTC by construction.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


IDLE_PING_SECONDS = 10.0
_IDLE_SINCE = "lms_idle_since"


def ping_when_idle(engine: Engine, idle_seconds: float = IDLE_PING_SECONDS) -> None:
    """Test a pooled server connection before use only when it sat idle for a while.

    ``pool_pre_ping`` would cost every request a round trip; a busy pool needs none, and a
    connection the database dropped while idle (a restart, an idle timeout) is still replaced
    before a request meets it. SQLite files have nothing to drop.
    """
    if engine.dialect.name == "sqlite":
        return

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as error:  # the pool retries with a new connection
            raise DisconnectionError(str(error)) from error


def upsert_statement(session: Any, model: Any) -> Any:
    """``INSERT`` with ``ON CONFLICT`` for the session's database (PostgreSQL or SQLite)."""
    return _upsert_for(session.get_bind().dialect.name, model)


def _upsert_for(dialect: str, model: Any) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite  # noqa: PLC0415

    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


_BUILT: dict[tuple[str, Callable[..., Any]], Any] = {}


def built_once(session: Any, build: Callable[[Callable[[Any], Any]], Any]) -> Any:
    """The statement ``build`` makes for the session's database, made once per process.

    For the hottest statements (writes, and the read of a phone's answer): building a statement
    (its clauses, then its cache key) costs more CPU than running it. ``build`` receives
    ``upsert(model)`` for this database and must take every changing value as a ``bindparam``."""
    dialect = session.get_bind().dialect.name
    key = (dialect, build)
    statement = _BUILT.get(key)
    if statement is None:
        statement = _BUILT[key] = build(lambda model: _upsert_for(dialect, model))
    return statement


_STORES: dict[tuple[type, tuple[str, ...]], Any] = {}


def store_values(session: Any, changes: list[tuple[Any, dict[str, Any]]]) -> None:
    """Write new values of stored instances of one model, by primary key, and give them
    those values as stored: nothing is marked changed, so no flush runs for them.

    For the hottest writes, where the ORM's unit of work costs more CPU than the writing: one
    ``UPDATE`` on the session's connection for every instance (executemany, one round trip on
    PostgreSQL), from a statement made once per process. Every change names the same columns.
    """
    if not changes:
        return
    model = type(changes[0][0])
    names = tuple(changes[0][1])
    statement = _STORES.get((model, names))
    if statement is None:
        table = model.__table__
        (primary,) = table.primary_key.columns
        statement = _STORES[(model, names)] = (
            update(table)
            .where(primary == bindparam("_key"))
            .values({name: bindparam(f"_{name}") for name in names})
        )
    key = model.__mapper__.primary_key[0].key
    rows = [
        {"_key": getattr(instance, key)} | {f"_{name}": values[name] for name in names}
        for instance, values in changes
    ]
    session.connection().execute(statement, rows if len(rows) > 1 else rows[0])
    for instance, values in changes:
        for name, value in values.items():
            set_committed_value(instance, name, value)


_HOLDS_CONNECTION = "lms.holds_connection"
T = TypeVar("T")


def holds_connection(session: Any) -> bool:
    """True once the session's transaction has begun on a database connection.

    ``Session.in_transaction()`` is true as soon as any session method autobegins (a ``merge``
    of a remembered user does), before anything reached the database; a caller that wants to
    run one statement by itself in autocommit needs to know whether work is already pending.
    """
    return bool(session.info.get(_HOLDS_CONNECTION))


def execute_alone(session: Any, statement: Any, parameters: Any, take: Callable[[Any], T]) -> T:
    """Run one statement and ``take`` what it needs from the result.

    Inside the session's transaction when that has work on the database (begun, or changes
    waiting for a flush) or the database is not PostgreSQL; else on a connection of its own in
    autocommit, where PostgreSQL spends no BEGIN and no ROLLBACK (a round trip each) on it. For
    the hottest single statements: a remembered answer's save, a leaderboard reader's own rank.
    """
    bind = session.get_bind()
    pending = session.new or session.dirty or session.deleted
    if bind.dialect.name != "postgresql" or holds_connection(session) or pending:
        return take(session.execute(statement, parameters))
    with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return take(connection.execute(statement, parameters))


@event.listens_for(Session, "after_begin")
def _began(session: Session, _transaction: Any, _connection: Any) -> None:
    session.info[_HOLDS_CONNECTION] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_HOLDS_CONNECTION, None)
