"""SQLite tuned for many threads and processes: WAL, a busy timeout, writes that lock up front.

pysqlite opens transactions lazily and in DEFERRED mode, so two writers that both read first
deadlock on the upgrade to a write lock and one gets "database is locked" at once, without
waiting. Here we emit ``BEGIN`` ourselves: ``BEGIN IMMEDIATE`` (take the write lock, waiting up
to the busy timeout) unless the current context declared itself read-only, which safe HTTP
methods do. A read-only transaction that must write after all calls :func:`write_intent`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

F = TypeVar("F", bound=Callable[..., Any])

_read_only: ContextVar[bool] = ContextVar("lms_sqlite_read_only", default=False)


def set_read_only(value: bool) -> None:
    """Declare whether transactions started from now on in this context only read."""
    _read_only.set(value)


@contextmanager
def write_intent() -> Iterator[None]:
    """Start the transactions begun inside this block with the write lock."""
    token = _read_only.set(False)
    try:
        yield
    finally:
        _read_only.reset(token)


@contextmanager
def read_before_writing(session: Any) -> Iterator[None]:
    """Run the block's reads in a transaction of their own that ends with the block, keeping
    what it loaded, when nothing else is in progress on SQLite: a request that authenticates
    before it writes then holds the database's single write lock only while it writes. Other
    databases lock rows, not the database, so there the block just runs."""
    if session.get_bind().dialect.name != "sqlite" or session.in_transaction():
        yield
        return
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)
    if session.in_transaction():
        keep = session.expire_on_commit
        session.expire_on_commit = False
        try:
            session.commit()  # ends the read; it wrote nothing
        finally:
            session.expire_on_commit = keep


WRITES_ATTRIBUTE = "_lms_writes_on_get"


def writes_on_get(view: F) -> F:
    """Mark a view whose GET writes (opening a lesson starts its clock): it takes the write lock."""
    setattr(view, WRITES_ATTRIBUTE, True)
    return view


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        dbapi_connection.isolation_level = None  # we emit BEGIN below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")
