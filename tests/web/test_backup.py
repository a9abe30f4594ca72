"""``lms backup`` and ``lms restore`` (issue 17 section 4): a site seeded with uploads moves from
SQLite to PostgreSQL (files from a folder to S3) and back, and to another SQLite, with every
row, every stored file and every answer of the JSON API the same; damaged archives and sites
that are not empty are refused and left as they were."""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import inspect

from lms.accounts.models import User
from lms.core.extensions import db
from lms.core.storage import get_storage
from tests.backup_sites import (
    PNG,
    api_answers,
    cli,
    drop_postgresql_schema,
    make_site,
    postgresql_url,
    seed,
    sqlite_site,
    stored_files,
    table_rows,
)
from tests.conftest import BACKEND
from tests.factories import UserFactory
from tests.storage_fixtures import new_s3_storage

USERS = ("admin", "lisi")
# These sites choose their own databases (SQLite, and PostgreSQL when LMS_TEST_DATABASE_URL is
# set), whatever the pass: they run once, in the SQLite pass.
pytestmark = pytest.mark.skipif(BACKEND == "postgresql", reason="runs in the SQLite pass")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, Path]:
    """A seeded SQLite site (files in a folder) and its archive."""
    folder = tmp_path_factory.mktemp("source")
    app = sqlite_site(folder)
    seed(app)
    archive = folder / "site.tar"
    result = cli(app, "backup", "-o", str(archive))
    assert result.exit_code == 0, result.output
    assert "files: 4 (" in result.stderr  # progress goes to standard error
    return app, archive


@pytest.fixture(scope="module")
def source_state(source: tuple[Flask, Path]) -> dict:
    app, _archive = source
    return {"rows": table_rows(app), "files": stored_files(app), "api": api_answers(app, USERS)}


def add_user(username: str) -> User:
    user = UserFactory(username=username)
    db.session.commit()
    return user


def _same_site(app: Flask, state: dict) -> None:
    assert table_rows(app) == state["rows"]
    assert stored_files(app) == state["files"]
    assert api_answers(app, USERS) == state["api"]


def test_the_archive_holds_the_database_every_file_and_a_manifest(source, source_state):
    app, archive = source
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[-2:] == ["manifest.json", "manifest.sha256"]
    assert manifest["schema_revision"] and manifest["app_version"] and manifest["created_at"]
    counts = {table["name"]: table["rows"] for table in manifest["database"]["tables"]}
    assert counts == {name: len(rows) for name, rows in source_state["rows"].items()}
    assert counts["password_handouts"] == 1 and counts["uploads"] == 4
    files = {name.removeprefix("files/") for name in names if name.startswith("files/")}
    assert files == set(source_state["files"]) and len(files) == 4
    answered = {key: body for key, (status, body) in source_state["api"].items() if status == 200}
    assert len(answered) > 60  # lists, and each course, lesson, quiz, attempt, competition
    assert answered[("lisi", "/api/v1/courses")]["items"]
    assert answered[("admin", "/api/v1/questions")]["items"]
    assert answered[("lisi", "/api/v1/points/me")]
    assert set(manifest["members"]) == set(names) - {"manifest.json", "manifest.sha256"}

    piped = cli(app, "backup", "-o", "-", "--quiet")  # to standard output
    assert piped.exit_code == 0 and not piped.stderr
    with tarfile.open(fileobj=io.BytesIO(piped.stdout_bytes)) as tar:
        assert tar.getnames() == names


def test_sqlite_to_postgresql_with_s3_and_back(source, source_state, tmp_path, s3_endpoint):
    _app, archive = source
    url = postgresql_url()
    try:
        target = make_site(url, tmp_path / "unused", new_s3_storage(s3_endpoint, prefix="moved"))
        result = cli(target, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert table_rows(target) == source_state["rows"]
        assert stored_files(target) == source_state["files"]
        again = tmp_path / "from-postgresql.tar"  # before the API's reads write (lesson opened)
        assert cli(target, "backup", "-o", str(again), "--quiet").exit_code == 0
        assert api_answers(target, USERS) == source_state["api"]
        with target.app_context():  # the sequences were moved past the restored ids
            assert add_user("newcomer").id == len(source_state["rows"]["users"]) + 1
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_postgresql_schema()
    back = sqlite_site(tmp_path / "back")
    result = cli(back, "restore", str(again))
    assert result.exit_code == 0, result.output
    _same_site(back, source_state)


def test_sqlite_to_sqlite_then_a_second_restore_is_refused(source, source_state, tmp_path):
    _app, archive = source
    target = sqlite_site(tmp_path / "copy")
    result = cli(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert " tables, " in result.stderr and "files: 4, done" in result.stderr  # progress
    assert table_rows(target) == source_state["rows"]

    refused = cli(target, "restore", str(archive))
    assert refused.exit_code == 1
    assert "nothing restored: the database is not empty" in refused.output
    assert table_rows(target) == source_state["rows"]

    with target.app_context():
        add_user("newcomer")
        get_storage().save("zz/stray.txt", io.BytesIO(b"stray"))
    replaced = cli(target, "restore", "--replace", "--quiet", str(archive))
    assert replaced.exit_code == 0, replaced.output
    _same_site(target, source_state)


def test_a_restore_reads_the_archive_from_standard_input(source, source_state, tmp_path):
    """``lms backup -o - | ssh host 'flask lms restore -'``: the archive comes through a pipe."""
    _app, archive = source
    target = sqlite_site(tmp_path / "piped")
    runner = target.test_cli_runner()
    empty = runner.invoke(args=["lms", "restore", "-"], input=b"")
    assert empty.exit_code == 1
    assert "is not a readable backup archive" in empty.output
    result = runner.invoke(args=["lms", "restore", "-"], input=archive.read_bytes())
    assert result.exit_code == 0, result.output
    assert "restored - (made " in result.stderr
    _same_site(target, source_state)
    assert not list(Path(tempfile.gettempdir()).glob("lms-restore-*"))  # the copy is gone


def test_a_damaged_archive_is_refused_and_changes_nothing(source, tmp_path):
    _app, archive = source
    damaged = tmp_path / "damaged.tar"
    data = bytearray(archive.read_bytes())
    data[data.index(PNG) + 100] ^= 0x01  # one changed byte in the course cover
    damaged.write_bytes(bytes(data))
    target = sqlite_site(tmp_path / "target")
    result = cli(target, "restore", str(damaged))
    assert result.exit_code == 1
    assert "does not match its checksum: the archive is damaged" in result.output
    with target.app_context():
        assert inspect(db.engine).get_table_names() == []
        assert list(get_storage().list()) == []

    foreign = tmp_path / "foreign.tar"
    foreign.write_bytes(b"not an archive at all" * 100)
    result = cli(target, "restore", str(foreign))
    assert result.exit_code == 1
    assert "is not a readable backup archive" in result.output


def test_a_storage_with_files_is_refused_unless_replaced(source, source_state, tmp_path):
    _app, archive = source
    target = sqlite_site(tmp_path / "target")
    with target.app_context():
        get_storage().save("zz/stray.txt", io.BytesIO(b"stray"))
    refused = cli(target, "restore", str(archive))
    assert refused.exit_code == 1
    assert "the file storage is not empty" in refused.output
    with target.app_context():
        assert inspect(db.engine).get_table_names() == []
    assert cli(target, "restore", "--replace", str(archive)).exit_code == 0
    assert stored_files(target) == source_state["files"]


def test_an_empty_database_at_an_older_revision_is_migrated_first(source, source_state, tmp_path):
    _app, archive = source
    target = sqlite_site(tmp_path / "older")
    with target.app_context():
        upgrade(revision="0001_accounts")  # an empty site made by an older version
    result = cli(target, "restore", "--quiet", str(archive))
    assert result.exit_code == 0, result.output
    assert not result.stderr  # not even the migrations' log lines
    assert table_rows(target) == source_state["rows"]
