"""Sites for the backup tests: one seeded with uploads, empty ones to restore into, and the
comparisons (every table row, every stored file, every GET of the JSON API)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from competitions.services import leaderboards
from courses.models import Course, CourseItem
from courses.services import authoring
from lms.accounts.models import User
from lms.accounts.services import password_handouts, token_cache
from lms.app import create_app
from lms.cli import seed_demo_data
from lms.core import clock
from lms.core.extensions import db
from lms.core.ranking import sql_snapshots
from lms.core.storage import Storage, get_storage
from lms.core.uploads import save_upload
from question_bank.models import QuestionVersion
from quizzes.services import answers
from tests.conftest import IN_CI
from tests.courses_factories import add_video

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n" + b"notes " * 300 + b"\n%%EOF\n"
RESTORE_SCHEMA = "lms_restore_test"
ID_SOURCES = {
    "announcement_id": "announcements",
    "attempt_id": "attempts",
    "competition_id": "competitions",
    "course_id": "courses",
    "item_id": "course_items",
    "quiz_id": "quizzes",
    "session_id": "live_sessions",
}


def forget_memories() -> None:
    """Per-process copies keyed by ids: two sites in one process must not share them."""
    leaderboards.clear_cache()
    answers.forget_slots()
    token_cache.forget_all()
    sql_snapshots.forget()


@contextmanager
def frozen_clock() -> Iterator[None]:
    clock.set_clock(lambda: NOW)
    try:
        yield
    finally:
        clock.set_clock(None)


def make_site(url: str, folder: Path, storage: Storage | None = None) -> Flask:
    app = create_app("testing", DATABASE_URL=url, UPLOAD_FOLDER=str(folder))
    if storage is not None:
        app.extensions["lms_storage"] = storage
    return app


def sqlite_site(folder: Path, storage: Storage | None = None) -> Flask:
    folder.mkdir(parents=True, exist_ok=True)
    return make_site(f"sqlite:///{folder}/site.sqlite3", folder / "uploads", storage)


def seed(app: Flask) -> None:
    """The demo site, plus a course cover, a lesson video and attachment, a question image and
    a password handout (bytes in the database)."""
    with app.app_context():
        from flask_migrate import upgrade  # noqa: PLC0415

        upgrade()
        seed_demo_data()
        course = db.session.scalars(select(Course).order_by(Course.id)).first()
        authoring.set_cover(course, save_upload(io.BytesIO(PNG), "cover.png", "image"))
        lesson = db.session.scalars(
            select(CourseItem).where(CourseItem.kind == "lesson").order_by(CourseItem.id)
        ).first()
        add_video(lesson)
        authoring.add_attachment(lesson, save_upload(io.BytesIO(PDF), "notes.pdf", "attachment"))
        image = save_upload(io.BytesIO(PNG + b"question image"), "q.png", "image", scope="question")
        version = db.session.scalars(select(QuestionVersion).order_by(QuestionVersion.id)).first()
        version.stem_md += f"\n\n![](/files/{image.token}/q.png)"
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        member = db.session.scalar(select(User).where(User.username == "lisi"))
        password_handouts.create_handout(
            [SimpleNamespace(user=member, initial_password="初始密码-1")], by=admin
        )
        db.session.commit()


def cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["lms", *args])


def table_rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as Python values, in primary-key order."""
    with app.app_context():
        found = {}
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                query = select(*table.columns).order_by(*table.primary_key.columns)
                found[table.name] = [tuple(row) for row in connection.execute(query)]
        return found


def stored_files(app: Flask) -> dict[str, bytes]:
    with app.app_context():
        store = get_storage()
        return {stored.key: store.read(stored.key) for stored in store.list()}


def api_answers(app: Flask, usernames: tuple[str, ...]) -> dict[tuple[str, str], Any]:
    """The status and JSON of every GET of ``/api/v1`` (lists, and each object by id), for each
    user."""
    with app.app_context():
        users = {
            name: db.session.scalar(select(User).where(User.username == name)).get_id()
            for name in usernames
        }
        ids = {
            argument: list(db.session.scalars(text(f"SELECT id FROM {table} ORDER BY id")))
            for argument, table in ID_SOURCES.items()
        }
        db.session.remove()
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "GET" not in (rule.methods or ()):
            continue
        if not rule.arguments:
            urls.append(rule.rule)
        elif len(rule.arguments) == 1:
            (argument,) = rule.arguments
            urls += [rule.rule.replace(f"<int:{argument}>", str(i)) for i in ids[argument]]
    found = {}
    with frozen_clock():
        for name, user_id in users.items():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = user_id, True
            for url in sorted(urls):
                forget_memories()
                response = client.get(url)
                body = response.get_json()
                if isinstance(body, dict) and "error" in body:
                    body["error"].pop("request_id", None)  # new for every request
                found[(name, url)] = (response.status_code, body)
    forget_memories()
    return found


def postgresql_url() -> str:
    """A schema of its own on the test PostgreSQL server, new for each call; skipped (failed
    under CI) when no server is set or reachable."""
    base = os.environ.get("LMS_TEST_DATABASE_URL")
    message = "set LMS_TEST_DATABASE_URL to a reachable PostgreSQL to test restores onto it"
    if not base:
        if IN_CI:
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    engine = create_engine(base, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {RESTORE_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {RESTORE_SCHEMA}"))
    except Exception as error:
        if IN_CI:
            pytest.fail(f"CI=true but PostgreSQL is not reachable: {error}")
        pytest.skip(f"{message} ({type(error).__name__})")
    finally:
        engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{RESTORE_SCHEMA}"


def drop_postgresql_schema() -> None:
    engine = create_engine(os.environ["LMS_TEST_DATABASE_URL"], poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {RESTORE_SCHEMA} CASCADE"))
    engine.dispose()
