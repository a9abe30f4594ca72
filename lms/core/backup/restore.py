"""``lms restore``: an archive into an empty database and an empty storage.

The archive is read whole and every member checked against the manifest before anything is
written. The schema is made by the migrations, up to the archive's revision; the rows go in,
in one transaction, with the files; a failure rolls the rows back and deletes the files it wrote.
With ``replace``, the rows already there are deleted in that same transaction and, once it has
committed, the stored files the archive does not have.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from itertools import islice
from typing import Any, TypeVar

from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import Connection, Table, bindparam, func, inspect, select, text, update

from lms.core.backup import archive
from lms.core.backup.archive import BackupError
from lms.core.backup.dump import PROGRESS_SECONDS, Progress, silent
from lms.core.backup.rows import read_rows
from lms.core.backup.snapshot import schema_revisions
from lms.core.extensions import db
from lms.core.storage import Storage, StorageUnavailableError, get_storage

BATCH = 500
T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def restore_backup(path: str, *, replace: bool = False, progress: Progress = silent) -> dict:
    """Restore the archive at ``path``; its manifest. Raises :class:`BackupError` when refused."""
    progress(f"checking {path}")
    manifest = archive.verify(path)
    revision = manifest["schema_revision"]
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    try:
        if not isinstance(revision, str) or script.get_revision(revision) is None:
            raise CommandError(f"no revision {revision!r}")
    except (RevisionError, CommandError) as error:
        raise BackupError(
            f"the archive's schema revision {revision} is not among this code's migrations: "
            "restore with the version of the platform that made the backup, or a newer one"
        ) from error
    tables = _tables(manifest)
    store = get_storage()
    db.session.remove()
    if not replace:
        _refuse_unless_empty(store)
    _prepare_schema(script, revision)
    written = _load(
        path, manifest=manifest, tables=tables, store=store, replace=replace, progress=progress
    )
    if replace:
        _remove_others(store, set(written.kept))
    if revision not in script.get_heads():
        progress("migrating to this code's schema")
        upgrade()
    return manifest


def _tables(manifest: dict[str, Any]) -> dict[str, tuple[Table, dict[str, Any]]]:
    """Each table member of the archive with the table it fills; refused if the code lacks one."""
    found = {}
    for entry in manifest["database"]["tables"]:
        table = db.metadata.tables.get(entry["name"])
        if table is None:
            raise BackupError(f"the archive has a table {entry['name']!r} this code does not know")
        unknown = set(entry["columns"]) - set(table.c.keys())
        if unknown:
            raise BackupError(
                f"{entry['name']}: columns this code does not know: {sorted(unknown)}"
            )
        found[entry["member"]] = (table, entry)
    members = {name for name in manifest["members"] if name.startswith(archive.DATABASE)}
    if members != set(found):
        raise BackupError("the manifest's tables and the archive's members disagree")
    return found


def _row_counts(connection: Connection) -> dict[str, int]:
    present = set(inspect(connection).get_table_names())
    counts = {}
    for table in db.metadata.sorted_tables:
        if table.name in present:
            counts[table.name] = connection.scalar(select(func.count()).select_from(table)) or 0
    return counts


def _refuse_unless_empty(store: Storage) -> None:
    with db.engine.connect() as connection:
        filled = {name: rows for name, rows in _row_counts(connection).items() if rows}
    if filled:
        listed = ", ".join(f"{name} ({rows})" for name, rows in sorted(filled.items())[:5])
        raise BackupError(
            f"the database is not empty ({len(filled)} tables have rows: {listed}); restore into "
            "an empty database, or pass --replace to delete what is there"
        )
    if next(iter(store.list()), None) is not None:
        raise BackupError(
            "the file storage is not empty; restore into an empty one, or pass --replace "
            "to delete what is there"
        )


def _prepare_schema(script: ScriptDirectory, revision: str) -> None:
    """Bring the database's schema to ``revision`` by the migrations (from nothing, or older)."""
    with db.engine.connect() as connection:
        current = schema_revisions(connection)
        present = set(inspect(connection).get_table_names()) - {"alembic_version"}
    if current == [revision]:
        return
    if not current and present:
        raise BackupError(
            "the database has tables but no migration history: restore into an empty database"
        )
    ancestors = {step.revision for step in script.iterate_revisions(revision, "base")}
    if not set(current) <= ancestors:
        raise BackupError(
            f"the database is at revision {current}, newer than or apart from the archive's "
            f"{revision}: restore into an empty database"
        )
    upgrade(revision=revision)


class _Written:
    """The stored files a restore wrote: kept on success, removed again on failure."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.new: list[str] = []


def _load(
    path: str,
    *,
    manifest: dict[str, Any],
    tables: dict[str, tuple[Table, dict[str, Any]]],
    store: Storage,
    replace: bool,
    progress: Progress,
) -> _Written:
    order = {entry["name"]: number for number, entry in enumerate(manifest["database"]["tables"])}
    written = _Written()
    later: list[tuple[Table, list[str], list[dict[str, Any]]]] = []
    try:
        with db.engine.begin() as connection:
            if replace:
                _empty(connection)
            shown, rows = time.monotonic(), 0
            for name, stream in archive.members(path):
                if name in tables:
                    table, entry = tables[name]
                    later.append(_insert(connection, table, entry, stream, order))
                    rows += entry["rows"]
                    if time.monotonic() - shown >= PROGRESS_SECONDS or len(later) == len(tables):
                        progress(f"database: {len(later)}/{len(tables)} tables, {rows} rows")
                        shown = time.monotonic()
                    continue
                key = name.removeprefix(archive.FILES)
                existed = store.exists(key)
                store.save(key, stream)
                written.kept.append(key)
                if not existed:
                    written.new.append(key)
                if time.monotonic() - shown >= PROGRESS_SECONDS:
                    progress(f"files: {len(written.kept)} of {manifest['files']['count']}")
                    shown = time.monotonic()
            for table, columns, links in later:
                _link(connection, table, columns, links)
            if connection.dialect.name == "postgresql":
                _fix_sequences(connection, [table for table, _entry in tables.values()])
    except BaseException:
        for key in written.new:
            with suppress(StorageUnavailableError):  # the first error is the one to report
                store.delete(key)
        raise
    progress(f"files: {len(written.kept)}, done")
    return written


def _forward_columns(table: Table, order: dict[str, int]) -> list[str]:
    """Columns pointing at rows inserted later (a unit's parent, a leader): set afterwards."""
    mine = order[table.name]
    return sorted(
        {
            fk.parent.name
            for fk in table.foreign_keys
            if order.get(fk.column.table.name, -1) >= mine and fk.parent.nullable
        }
    )


def _insert(
    connection: Connection,
    table: Table,
    entry: dict[str, Any],
    stream: Any,
    order: dict[str, int],
) -> tuple[Table, list[str], list[dict[str, Any]]]:
    forward = [name for name in _forward_columns(table, order) if name in entry["columns"]]
    keys = [column.name for column in table.primary_key.columns]
    links, count = [], 0
    for batch in batched(read_rows(table, entry["columns"], stream), BATCH):
        for row in batch:
            if any(row[name] is not None for name in forward):
                links.append({name: row[name] for name in keys + forward})
                row.update(dict.fromkeys(forward))
        connection.execute(table.insert(), batch)
        count += len(batch)
    if count != entry["rows"]:
        raise BackupError(f"{table.name}: {count} rows read, the manifest says {entry['rows']}")
    return table, forward, links


def _link(
    connection: Connection, table: Table, columns: list[str], rows: list[dict[str, Any]]
) -> None:
    if not rows:
        return
    keys = [column.name for column in table.primary_key.columns]
    values: dict[str, Any] = {name: bindparam(f"_{name}") for name in columns}
    # Columns set on every update (``updated_at``) keep what the archive has.
    values |= {c.name: c for c in table.columns if c.onupdate is not None and c.name not in values}
    statement = update(table).values(values)
    for name in keys:
        statement = statement.where(table.c[name] == bindparam(f"_{name}"))
    for batch in batched(rows, BATCH):
        connection.execute(
            statement, [{f"_{name}": value for name, value in row.items()} for row in batch]
        )


def _fix_sequences(connection: Connection, tables: list[Table]) -> None:
    """Explicit ids leave PostgreSQL's sequences behind: move each past its table's largest."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence is None:
                continue
            largest = connection.scalar(select(func.max(column))) or 0
            connection.execute(
                text("SELECT setval(:sequence, :value, :called)"),
                {"sequence": sequence, "value": max(largest, 1), "called": largest > 0},
            )


def _empty(connection: Connection) -> None:
    """Delete every row of every table of ours (``--replace``), inside the restore's transaction."""
    present = set(inspect(connection).get_table_names())
    tables = [table for table in db.metadata.sorted_tables if table.name in present]
    if connection.dialect.name == "postgresql":
        names = ", ".join(connection.dialect.identifier_preparer.quote(t.name) for t in tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    order = {table.name: number for number, table in enumerate(tables)}
    for table in tables:
        forward = _forward_columns(table, order)
        if forward:
            connection.execute(update(table).values(dict.fromkeys(forward)))
    for table in reversed(tables):
        connection.execute(table.delete())


def _remove_others(store: Storage, keep: set[str]) -> None:
    for stored in list(store.list()):
        if stored.key not in keep:
            store.delete(stored.key)
