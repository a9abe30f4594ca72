"""SQLite under concurrent writers: WAL, a busy timeout and BEGIN IMMEDIATE (lms/core/sqlite.py).

Twenty threads do what concurrent requests do, read then write, at the same moment. With
pysqlite's default deferred transactions some would fail at once with "database is locked".
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from lms.accounts.models import OrgUnit
from lms.accounts.services import org_units
from lms.app import create_app
from lms.core.extensions import db
from lms.core.settings import get_setting, set_setting

THREADS = 20
ROUNDS = 5


@pytest.fixture
def sqlite_app(tmp_path):
    from flask_migrate import upgrade  # noqa: PLC0415

    app = create_app("testing", DATABASE_URL=f"sqlite:///{tmp_path}/concurrency.sqlite3")
    with app.app_context():
        upgrade()
    return app


def test_pragmas(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_twenty_threads_writing_at_once_all_succeed(sqlite_app):
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        try:
            start.wait()
            for round_ in range(ROUNDS):
                with sqlite_app.app_context():
                    counter = get_setting("bench.counter", 0)  # read ...
                    set_setting("bench.counter", counter + 1)  # ... then write
                    org_units.create_unit(f"Unit {number}-{round_}")
                    db.session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrgUnit)) == THREADS * ROUNDS
        # The read-then-write increments never lost an update: each held the write lock.
        assert get_setting("bench.counter") == THREADS * ROUNDS
