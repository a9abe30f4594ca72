"""``execute_alone``: one hot statement in autocommit on PostgreSQL when nothing is pending, and
inside the session's transaction (seeing its work) otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.core.db import execute_alone, holds_connection
from tests.factories import UserFactory

COUNT_ALICE = select(func.count()).select_from(User).where(User.username == "alice-alone")


def _count(db) -> int:
    return execute_alone(db.session(), COUNT_ALICE, {}, lambda result: result.scalar_one())


def test_it_sees_work_the_transaction_has_flushed_and_not_yet_committed(db):
    UserFactory(username="alice-alone")
    db.session.flush()
    assert _count(db) == 1
    db.session.rollback()
    assert _count(db) == 0


def test_it_sees_changes_still_waiting_for_a_flush(db):
    unit_id = UserFactory().unit_id
    db.session.commit()
    db.session.add(
        User(username="alice-alone", display_name="Alice", password_hash="x", unit_id=unit_id)
    )
    assert not holds_connection(db.session())  # nothing begun, only a change in the session
    assert _count(db) == 1


def test_on_postgresql_alone_it_begins_no_transaction(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs it in the session's transaction, which costs no round trip")
    UserFactory(username="alice-alone")
    db.session.commit()
    session = db.session()
    assert not holds_connection(session)
    assert _count(db) == 1
    assert not holds_connection(session)  # no BEGIN, and no ROLLBACK to send at the end
