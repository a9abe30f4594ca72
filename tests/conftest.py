"""Fixtures shared by every test (DESIGN.md section 8).

The back end comes from ``LMS_TEST_BACKEND``: ``sqlite`` (default, a file in a temporary
folder) or ``postgresql`` (``LMS_TEST_DATABASE_URL``). ``LMS_TEST_REDIS_URL`` enables the tests
that need Redis. With ``CI=true`` a missing or unreachable service fails the run; otherwise the
tests that need it are skipped with a message naming the variable to set.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from competitions.services import leaderboards
from lms.accounts.models import User
from lms.accounts.services import token_cache
from lms.app import create_app
from lms.core import clock as clock_module
from lms.core.extensions import db as _db
from lms.core.extensions import limiter
from quizzes.services import answers
from tests import factories

pytest_plugins = (
    "tests.storage_fixtures",
    "tests.ldap_fixtures",
    "tests.oidc_provider",
    "tests.notification_fixtures",
    "tests.robot_receiver",
)
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKEND = os.environ.get("LMS_TEST_BACKEND", "sqlite")


def require_service(variable: str, purpose: str) -> str:
    """The URL in ``variable``, or skip (fail under CI) naming the variable to set."""
    value = os.environ.get(variable)
    if not value:
        message = f"set {variable} to run {purpose}"
        if IN_CI:
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    return value


def pytest_report_header(config: pytest.Config) -> str:
    return f"database back end: {BACKEND}"


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if BACKEND == "postgresql":
        url = os.environ.get("LMS_TEST_DATABASE_URL")
        if not url:
            pytest.exit("LMS_TEST_BACKEND=postgresql needs LMS_TEST_DATABASE_URL", returncode=3)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db')}/test.sqlite3"


def _drop_everything() -> None:
    """Start a PostgreSQL test database from nothing, so migrations run from the first."""
    with _db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


class IsolatingClient(FlaskClient):
    """A test client whose requests do not share ``g`` with each other.

    Tests run inside one application context (so the test and the requests share a database
    session), and Flask reuses that context for every request, so ``g`` would carry the logged-in
    user and the chosen locale from one request into the next. Real requests never do.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = create_app(
        "testing",
        DATABASE_URL=_database_url(tmp_path_factory),
        UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")),
    )
    application.test_client_class = IsolatingClient
    with application.app_context():
        if BACKEND == "postgresql":
            try:
                _drop_everything()
            except Exception as error:
                pytest.exit(f"PostgreSQL at LMS_TEST_DATABASE_URL is not reachable: {error}", 3)
        upgrade()
    yield application


def _restart_sequences(connection: Any) -> None:
    """Start every id sequence again, as SQLite does once a table is empty."""
    restart = ", ".join(
        f"setval(pg_get_serial_sequence('{t.name}', '{t.autoincrement_column.name}'), 1, false)"
        for t in _db.metadata.sorted_tables
        if t.autoincrement_column is not None
    )
    connection.execute(text(f"SELECT {restart}"))


@pytest.fixture(autouse=True)
def _clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with empty tables, fresh rate limits and the real clock."""
    yield
    clock_module.set_clock(None)
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context():
        _db.session.remove()
        # DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE of every table costs 160 ms of file
        # work a test, deleting the few rows a test wrote about 10 ms.
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                # Trees (a unit's parent) point into their own table: cut those links first.
                own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
                if own:
                    assignments = ", ".join(f"{column} = NULL" for column in own)
                    connection.execute(text(f"UPDATE {table.name} SET {assignments}"))
                connection.execute(text(f"DELETE FROM {table.name}"))
            if connection.dialect.name == "postgresql":
                _restart_sequences(connection)
        limiter.reset()
        leaderboards.clear_cache()  # cached boards are keyed by ids the next test reuses
        answers.forget_slots()  # so are remembered attempt slots
        token_cache.forget_all()


@pytest.fixture
def second_server(app: Flask) -> Iterator[Flask]:
    """Another server on the same database: its own app, so its own engine, and so its own
    per-process memories (every one is keyed by the engine, as ``lms.core.memo``'s are)."""
    other = create_app(
        "testing",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
    )
    other.test_client_class = IsolatingClient
    other.config["WTF_CSRF_ENABLED"] = False
    yield other
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def in_another_process(app: Flask, second_server: Flask) -> Callable[[Callable[[], Any]], None]:
    """``in_another_process(action)``: run ``action`` and commit in a child forked from this
    process, in an app context of ``app``: a change made by another server. Whatever the child
    remembers or forgets in its memories stays in the child; ``second_server``, in this process,
    learns of the change only as any other server would."""

    def _run(action: Callable[[], Any]) -> None:
        _db.session.close()  # on SQLite a transaction left open would hold the write lock
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through its exit status
            code = 1
            try:
                with app.app_context():
                    _db.engine.dispose(close=False)  # the parent's connections stay the parent's
                    action()
                    _db.session.commit()
                    code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        _pid, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, "the change in the other process failed"

    return _run


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The database inside an application context; tables are emptied after the test."""
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    """Most tests post forms without tokens; this turns CSRF checking back on."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(autouse=True)
def _csrf_off_by_default(request: pytest.FixtureRequest) -> None:
    if "app" in request.fixturenames and "csrf_enabled" not in request.fixturenames:
        request.getfixturevalue("app").config["WTF_CSRF_ENABLED"] = False


@dataclass
class FrozenClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 24, 8, 0, tzinfo=UTC))

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock()
    clock_module.set_clock(lambda: frozen.now)
    yield frozen
    clock_module.set_clock(None)


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[User], User]:
    """Log ``user`` into ``client`` without going through the login form."""

    def _login(user: User) -> User:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return _login


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db: Any) -> Callable[[], Any]:
    """``with count_queries() as counter: ...`` then ``counter.count`` SQL statements ran."""

    @contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", _record)

    return _count


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """Create and commit a user; keyword arguments go to the factory."""

    def _make(**kwargs: Any) -> User:
        user = factories.UserFactory(**kwargs)
        db.session.commit()
        return user

    return _make


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    return make_user(username="member1", role="member")


@pytest.fixture
def organizer(make_user: Callable[..., User]) -> User:
    return make_user(username="organizer1", role="organizer")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(username="admin1", role="admin")
