"""A consistent view of the whole database for the length of a backup.

PostgreSQL: one ``REPEATABLE READ``, read-only transaction, so every table is read as of the
same moment while the site keeps writing. SQLite: the online backup API copies the database
into a temporary file (a consistent copy, taken while writers wait only for its pages), which
is then read at leisure. Either way, an answer saved during a backup is in it whole or not at all.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection that sees the database as it was when the block began."""
    if engine.dialect.name == "sqlite":
        with _sqlite_copy(engine) as connection:
            yield connection
        return
    options = {"isolation_level": "REPEATABLE READ"}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True  # type: ignore[assignment]
    with engine.connect().execution_options(**options) as connection, connection.begin():
        yield connection


@contextmanager
def _sqlite_copy(engine: Engine) -> Iterator[Connection]:
    handle, path = tempfile.mkstemp(prefix="lms-backup-", suffix=".sqlite3")
    os.close(handle)
    copy: Engine | None = None
    try:
        source = engine.raw_connection()
        try:
            target = sqlite3.connect(path)
            try:
                source.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        finally:
            source.close()
        copy = create_engine(f"sqlite:///{path}", poolclass=NullPool)
        with copy.connect() as connection:
            yield connection
    finally:
        if copy is not None:
            copy.dispose()
        os.unlink(path)


def schema_revisions(connection: Connection) -> list[str]:
    """The Alembic revisions the database is at (none when it was never migrated)."""
    if not connection.dialect.has_table(connection, "alembic_version"):
        return []
    return sorted(connection.scalars(text("SELECT version_num FROM alembic_version")))
