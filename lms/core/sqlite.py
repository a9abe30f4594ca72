"""SQLite tuned for many threads and processes: WAL, a busy timeout, writes that lock up front.

pysqlite opens transactions lazily and in DEFERRED mode, so two writers that both read first
deadlock on the upgrade to a write lock and one gets "database is locked" at once, without
waiting. Here we emit ``BEGIN`` ourselves: ``BEGIN IMMEDIATE`` (take the write lock, waiting up
to the busy timeout) unless the current context declared itself read-only, which safe HTTP
methods do. A read-only transaction that must write after all calls :func:`write_intent`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref
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

    writers = _WRITER_QUEUES.setdefault(engine, threading.Lock())
    timeout = busy_timeout_ms / 1000

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if _read_only.get():
            connection.exec_driver_sql("BEGIN")
            return
        # Threads of this process queue here and are woken the moment the writer ends, instead
        # of polling SQLite's lock with growing sleeps; other processes still meet the busy
        # timeout. Without the lock in time (a thread writing on two connections) SQLite decides.
        deadline = time.monotonic() + timeout
        if writers.acquire(timeout=timeout):
            connection.info[_HOLDS_WRITERS] = writers
        try:
            _begin_immediate(connection.connection.dbapi_connection, deadline, busy_timeout_ms)
        except BaseException:
            _release(connection)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Any) -> None:
        _release(connection)

    @event.listens_for(engine, "reset")
    def _on_reset(_dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
        _release_record(record)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _release_record(record)


def _begin_immediate(dbapi_connection: Any, deadline: float, busy_timeout_ms: int) -> None:
    """``BEGIN IMMEDIATE``, retried after short sleeps while another process writes.

    SQLite's own busy handler sleeps 1, 2, 5, then 10 ms and more between tries, so a writer of
    another process often sleeps on long after the lock was freed; here the sleeps stay short.
    """
    dbapi_connection.execute("PRAGMA busy_timeout = 0")
    try:
        delay = 0.0002
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.002)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")


_HOLDS_WRITERS = "lms_sqlite_holds_writers"
_WRITER_QUEUES: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def writer_queue(engine: Engine) -> threading.Lock | None:
    """The lock this process's writers queue on (SQLite engines only)."""
    return _WRITER_QUEUES.get(engine)


def _release(connection: Any) -> None:
    lock = connection.info.pop(_HOLDS_WRITERS, None)
    if lock is not None:
        lock.release()


def _release_record(record: Any) -> None:
    """A connection back in the pool never keeps the queue (a transaction left open)."""
    if record is not None:
        lock = record.info.pop(_HOLDS_WRITERS, None)
        if lock is not None:
            lock.release()
