"""Backup and restore on the test database (SQLite, or PostgreSQL in that pass) with files on
either storage back end: a backup is one snapshot while others write, and a restore that fails
half-way leaves the site as it was."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.core.backup import BackupError, dump, restore, restore_backup, write_backup
from lms.core.backup.archive import FORMAT, FORMAT_VERSION, ArchiveWriter
from lms.core.storage import Storage
from lms.core.uploads import save_upload
from quizzes.models import AttemptItem
from quizzes.services import attempts
from tests.factories import UserFactory
from tests.quiz_factories import make_quiz

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 300


def _site(db, count: int = 3) -> list[str]:
    for number in range(count):
        UserFactory(username=f"person{number}")
    keys = [save_upload(io.BytesIO(PNG + bytes([n])), f"{n}.png", "image").key for n in range(2)]
    db.session.commit()
    return keys


def _usernames(db) -> list[str]:
    return list(db.session.scalars(select(User.username).order_by(User.id)))


def test_a_backup_is_one_snapshot_while_others_write(
    db, storage_backend: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    _site(db)
    unit_id = db.session.scalar(select(User.unit_id).limit(1))
    db.session.commit()  # the session holds no lock while the backup runs
    monkeypatch.setattr(dump, "PROGRESS_SECONDS", 0)  # report after every table
    written = []

    def write_meanwhile(_message: str) -> None:
        if not written:  # after the first table, before the users table is read
            with db.engine.begin() as connection:
                row = {
                    "username": "late",
                    "display_name": "L",
                    "password_hash": "x",
                    "unit_id": unit_id,
                }
                connection.execute(User.__table__.insert(), row)
            written.append(True)

    manifest = write_backup(str(tmp_path / "site.tar"), progress=write_meanwhile)
    rows = {table["name"]: table["rows"] for table in manifest["database"]["tables"]}
    assert written and rows["users"] == 3
    assert db.session.scalar(select(func.count()).select_from(User)) == 4
    assert manifest["files"]["count"] == 2


def test_a_restore_that_fails_half_way_leaves_the_site_as_it_was(
    db, storage_backend: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    keys = _site(db)
    archive = str(tmp_path / "site.tar")
    write_backup(archive)
    UserFactory(username="added-later")
    db.session.commit()
    storage_backend.delete(keys[0])
    before = _usernames(db), sorted(stored.key for stored in storage_backend.list())

    def fail(*_args: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(restore, "_fix_sequences", fail)
    monkeypatch.setattr(restore, "_link", fail)
    with pytest.raises(RuntimeError, match="disk is full"):
        restore_backup(archive, replace=True)
    assert (_usernames(db), sorted(s.key for s in storage_backend.list())) == before

    monkeypatch.undo()
    restore_backup(archive, replace=True)
    assert _usernames(db) == ["person0", "person1", "person2"]
    assert sorted(s.key for s in storage_backend.list()) == sorted(keys)
    assert storage_backend.read(keys[0]) == PNG + b"\x00"
    UserFactory(username="after-restore")  # ids continue after the restored ones
    db.session.commit()


def test_an_archive_of_a_schema_this_code_does_not_know_is_refused(db, tmp_path: Path):
    path = tmp_path / "future.tar"
    with tarfile.open(path, "w") as tar:
        ArchiveWriter(tar).finish(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_revision": "9999_from_the_future",
                "database": {"dialect": "sqlite", "tables": []},
                "files": {"count": 0, "bytes": 0},
            }
        )
    UserFactory(username="still-here")
    db.session.commit()
    with pytest.raises(BackupError, match="9999_from_the_future is not among this code's"):
        restore_backup(str(path), replace=True)
    assert _usernames(db) == ["still-here"]


def test_a_json_null_stays_apart_from_a_sql_null(db, member, tmp_path: Path):
    attempt = attempts.start(member, make_quiz())
    db.session.flush()
    first, second, third = sorted(item.id for item in attempt.items)[:3]
    db.session.commit()
    items = AttemptItem.__table__
    with db.engine.begin() as connection:  # unanswered; answered null (JSON); answered
        connection.execute(items.update().where(items.c.id == second).values(response=None))
        connection.execute(items.update().where(items.c.id == third).values(response=["中", 1]))
    db.session.remove()
    archive = str(tmp_path / "site.tar")
    write_backup(archive)
    restore_backup(archive, replace=True)
    unanswered = select(items.c.id).where(items.c.response.is_(None))
    found = set(db.session.scalars(unanswered))
    assert first in found and second not in found and third not in found
    assert db.session.scalar(select(items.c.response).where(items.c.id == third)) == ["中", 1]
