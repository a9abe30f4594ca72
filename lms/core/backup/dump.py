"""``lms backup``: the database (a consistent snapshot) and every stored file in one archive."""

from __future__ import annotations

import os
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable
from contextlib import ExitStack
from importlib import metadata as package_metadata
from pathlib import Path
from typing import IO, Any

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import Connection, Table

from lms.core.backup.archive import (
    DATABASE,
    FORMAT,
    FORMAT_VERSION,
    ArchiveWriter,
    BackupError,
    file_member,
)
from lms.core.backup.rows import archived, table_query, write_rows
from lms.core.backup.snapshot import schema_revisions, snapshot
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.core.storage import Storage, get_storage

Progress = Callable[[str], None]
BATCH = 1000
PROGRESS_SECONDS = 2.0


def silent(_message: str) -> None:
    return None


def code_heads() -> list[str]:
    """The newest revisions of the migrations this code ships."""
    return sorted(ScriptDirectory(current_app.extensions["migrate"].directory).get_heads())


def app_version() -> str | None:
    """The platform's version: installed package metadata, else the checkout's pyproject.toml."""
    try:
        return package_metadata.version("lms")
    except package_metadata.PackageNotFoundError:
        pass
    project = Path(current_app.extensions["migrate"].directory).parent / "pyproject.toml"
    try:
        return tomllib.loads(project.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def write_backup(output: str, *, progress: Progress = silent) -> dict[str, Any]:
    """Write the archive to ``output`` (a path, or ``-`` for standard output); its manifest.

    A path is written beside itself and renamed into place at the end, so an interrupted backup
    never leaves a half archive under the name."""
    with ExitStack() as stack:
        if output == "-":
            tar = stack.enter_context(tarfile.open(fileobj=sys.stdout.buffer, mode="w|"))
            return _write(ArchiveWriter(tar), progress)
        target = Path(output)
        handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(handle)
        try:
            with tarfile.open(partial, mode="w") as tar:
                manifest = _write(ArchiveWriter(tar), progress)
            Path(partial).replace(target)
        finally:
            Path(partial).unlink(missing_ok=True)
        return manifest


def _write(writer: ArchiveWriter, progress: Progress) -> dict[str, Any]:
    heads = code_heads()
    tables = db.metadata.sorted_tables
    described = []
    total, shown = 0, time.monotonic()
    with snapshot(db.engine) as connection:
        revisions = schema_revisions(connection)
        if revisions != heads or len(heads) != 1:
            raise BackupError(
                f"the database is at revision {revisions or 'none'} but the code at {heads}: "
                "run `flask --app wsgi db upgrade` first"
            )
        for number, table in enumerate(tables, 1):
            member = f"{DATABASE}{number:04d}-{table.name}.jsonl.gz"
            rows = _add_table(writer, connection, table, member)
            described.append(
                {
                    "name": table.name,
                    "member": member,
                    "rows": rows,
                    "columns": list(table.c.keys()),
                }
            )
            total += rows
            if time.monotonic() - shown >= PROGRESS_SECONDS or number == len(tables):
                progress(f"database: {number}/{len(tables)} tables, {total} rows")
                shown = time.monotonic()
    files = _add_files(writer, get_storage(), progress)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": utcnow().isoformat(),
        "app_version": app_version(),
        "schema_revision": heads[0],
        "database": {"dialect": db.engine.dialect.name, "tables": described},
        "files": files,
    }
    writer.finish(manifest)
    return {**manifest, "members": writer.members}


def _add_table(writer: ArchiveWriter, connection: Connection, table: Table, member: str) -> int:
    with tempfile.TemporaryFile() as spool:
        result = connection.execution_options(yield_per=BATCH).execute(table_query(table))
        count = write_rows(archived(table, result), spool)
        size = spool.tell()
        spool.seek(0)
        writer.add(member, spool, size)
    return count


def _add_files(writer: ArchiveWriter, store: Storage, progress: Progress) -> dict[str, int]:
    count = total = 0
    shown = time.monotonic()
    for stored in store.list():
        try:
            stream: IO[bytes] = store.open(stored.key)
        except FileNotFoundError:  # removed since it was listed (clean-storage)
            continue
        with stream:
            size = stream.seek(0, os.SEEK_END)
            stream.seek(0)
            writer.add(file_member(stored.key), stream, size)
        count += 1
        total += size
        if time.monotonic() - shown >= PROGRESS_SECONDS:
            progress(f"files: {count} ({total / 1e6:.1f} MB)")
            shown = time.monotonic()
    progress(f"files: {count} ({total / 1e6:.1f} MB), done")
    return {"count": count, "bytes": total}
