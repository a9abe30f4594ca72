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
from lms.core.sqlite import read_before_writing, write_intent, writer_queue

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


def test_reads_before_writing_do_not_hold_the_write_lock(sqlite_app):
    """Authentication reads in a transaction of its own, so another writer can go meanwhile,
    and what it loaded stays loaded for the request's write."""
    with sqlite_app.app_context():
        unit = org_units.create_unit("Reader")
        db.session.commit()
        unit_id = unit.id
    with sqlite_app.app_context():
        session = db.session()
        with read_before_writing(session):
            unit = session.get(OrgUnit, unit_id)
        assert not session.in_transaction()
        with sqlite_app.app_context(), db.engine.connect() as other:
            # BEGIN IMMEDIATE (lms.core.sqlite): it would wait if the reader held the lock
            other.execute(
                text("UPDATE org_units SET name = 'Other' WHERE id = :id"), {"id": unit_id}
            )
            other.commit()
        assert "name" in unit.__dict__ and unit.name == "Reader"  # loaded, not expired


def test_reads_inside_a_transaction_stay_in_it(sqlite_app):
    with sqlite_app.app_context():
        org_units.create_unit("Pending")  # flushed, not committed
        session = db.session()
        with read_before_writing(session):
            session.scalar(select(func.count()).select_from(OrgUnit))
        assert session.in_transaction()
        session.rollback()
        assert session.scalar(select(func.count()).select_from(OrgUnit)) == 0


def test_the_writer_queue_is_free_after_every_way_a_transaction_ends(sqlite_app):
    with sqlite_app.app_context(), write_intent():
        queue = writer_queue(db.engine)
        assert queue is not None and not queue.locked()
        org_units.create_unit("Committed")
        assert queue.locked()  # the write transaction holds it
        db.session.commit()
        assert not queue.locked()
        org_units.create_unit("Rolled back")
        db.session.rollback()
        assert not queue.locked()
        org_units.create_unit("Abandoned")
        db.session.close()  # back to the pool without a commit
        assert not queue.locked()
        with read_before_writing(db.session()):
            db.session.scalar(select(func.count()).select_from(OrgUnit))
            assert not queue.locked()  # reads do not queue
